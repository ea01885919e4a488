"""`sitegen import`: bring an existing library in from the exports agencies have.

CSV and JSON exports (a Drupal Views data export, a spreadsheet), RSS 2.0 and Atom feeds, and
folders of saved pages become publication files that pass `sitegen check`, with the old
addresses kept as aliases and redirect maps for the old host. The modules, in pipeline order:

- `mapping.py`: the mapping file (which column gives which field, value maps, date formats);
- `sources.py`: reading the source into rows, never following links or fetching URLs;
- `values.py`: raw text -> front-matter values;
- `body.py`: HTML bodies -> safe Markdown;
- `files.py`: attachments from `--files` under safe names;
- `existing.py`: what an earlier import wrote, for re-runs;
- `writer.py`: front matter text, staging and the only writes into the project;
- `redirectmaps.py`: `_redirects`, nginx map and S3 rules for the old host;
- `run.py`: the stages in order; `report.py`: what the import says it did.

Like every other module but cli.py, nothing here prints or exits.
"""

from .report import ImportReport, RowResult
from .run import ImportOptions, import_library

__all__ = ["ImportOptions", "ImportReport", "RowResult", "import_library"]
