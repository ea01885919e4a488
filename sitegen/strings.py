"""Interface text in each supported language: the official USWDS banner and identifier wording.

The English and Spanish banner and identifier texts are those of USWDS 3.x
(packages/usa-banner/src/content, packages/usa-identifier/src/content); they must not be
paraphrased. Pages choose the table by their language; unknown languages fall back to English.
"""

from __future__ import annotations

from typing import Any

STRINGS: dict[str, dict[str, Any]] = {
    "en": {
        "banner.aria_label": "Official website of the United States government",
        "banner.text": "An official website of the United States government",
        "banner.action": "Here’s how you know",
        "banner.domain_heading": "Official websites use .gov",
        "banner.domain_text": "A <strong>.gov</strong> website belongs to an official government organization in the United States.",
        "banner.https_heading": "Secure .gov websites use HTTPS",
        "banner.https_pretext": "A <strong>lock</strong>",
        "banner.https_posttext": "or <strong>https://</strong> means you’ve safely connected to the .gov website. Share sensitive information only on official, secure websites.",
        "identifier.aria_label": "Agency identifier",
        "identifier.content": "An official website of the",
        "identifier.links_label": "Important links",
        "identifier.usagov_label": "U.S. government information and services",
        "identifier.usagov_text": "Looking for U.S. government information and services?",
        "identifier.usagov_link": "Visit USA.gov",
        "identifier.usagov_url": "https://www.usa.gov/",
        "skip": "Skip to main content",
        "breadcrumb": "Breadcrumbs",
        "menu": "Menu",
        "close": "Close",
        "primary_nav": "Primary navigation",
        "search": "Search",
        "search_label": "Search publications",
        "translations": "Also available in",
        "published": "Published",
        "last_updated": "last updated",
        "component": "Component",
        "type": "Type",
        "topics": "Topics",
        "downloads": "Downloads",
        "file_pages": ("{n} page", "{n} pages"),
        "decimal_mark": ".",
        "file_kinds": {},  # the names in loader.FILE_KINDS are English already
        "retired": "Retired",
        "retired_on": "on",
        "retired_kept": "It is kept here for reference.",
        "months": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"),
        "date_format": "{month} {day}, {year}",
        "identifier.labels": ("About {acronym}", "Accessibility statement", "FOIA requests", "No FEAR Act data",
                              "Office of the Inspector General", "Performance reports", "Privacy policy"),
    },
    "es": {
        "banner.aria_label": "Un sitio oficial del Gobierno de Estados Unidos",
        "banner.text": "Un sitio oficial del Gobierno de Estados Unidos",
        "banner.action": "Así es como usted puede verificarlo",
        "banner.domain_heading": "Los sitios web oficiales usan .gov",
        "banner.domain_text": "Un sitio web <strong>.gov</strong> pertenece a una organización oficial del Gobierno de Estados Unidos.",
        "banner.https_heading": "Los sitios web seguros .gov usan HTTPS",
        "banner.https_pretext": "Un <strong>candado</strong>",
        "banner.https_posttext": "o <strong>https://</strong> significa que usted se conectó de forma segura a un sitio web .gov. Comparta información sensible sólo en sitios web oficiales y seguros.",
        "identifier.aria_label": "Identificador de la agencia",
        "identifier.content": "Un sitio web oficial de",
        "identifier.links_label": "Enlaces importantes",
        "identifier.usagov_label": "Información y servicios del Gobierno de EE. UU.",
        "identifier.usagov_text": "¿Necesita información y servicios del Gobierno?",
        "identifier.usagov_link": "Visite USAGov en Español",
        "identifier.usagov_url": "https://www.usa.gov/es/",
        "skip": "Saltar al contenido principal",
        "breadcrumb": "Migas de pan",
        "menu": "Menú",
        "close": "Cerrar",
        "primary_nav": "Navegación principal",
        "search": "Buscar",
        "search_label": "Buscar publicaciones",
        "translations": "También disponible en",
        "published": "Publicado el",
        "last_updated": "actualizado el",
        "component": "Componente",
        "type": "Tipo",
        "topics": "Temas",
        "downloads": "Descargas",
        "file_pages": ("{n} página", "{n} páginas"),
        "decimal_mark": ",",
        "file_kinds": {"Word document": "Documento de Word", "Excel spreadsheet": "Hoja de cálculo de Excel",
                       "Text": "Texto", "ZIP archive": "Archivo ZIP"},
        "retired": "Retirado",
        "retired_on": "el",
        "retired_kept": "Se conserva aquí como referencia.",
        "months": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                   "octubre", "noviembre", "diciembre"),
        "date_format": "{day} de {month} de {year}",
        "identifier.labels": ("Acerca de {acronym}", "Declaración de accesibilidad", "Solicitud a través de FOIA",
                              "Datos de la ley No FEAR", "Oficina del Inspector General", "Informes de desempeño",
                              "Política de privacidad"),
    },
}

LANGUAGE_NAMES = {"en": "English", "es": "Español", "vi": "Tiếng Việt", "zh": "中文", "ko": "한국어",
                  "fr": "Français", "ht": "Kreyòl ayisyen", "ar": "العربية", "ru": "Русский", "tl": "Tagalog"}


def strings_for(language: str) -> dict[str, Any]:
    return STRINGS.get(language.partition("-")[0], STRINGS["en"])
