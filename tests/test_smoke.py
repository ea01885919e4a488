from sitekit import Project


def test_minimal_site_builds(project: Project) -> None:
    project.publication("first", title="First publication")
    report = project.build()
    assert report.ok, [d.text() for d in report.diagnostics]
    assert "First publication" in project.html("/publications/first/")
