"""A broken template fails when the templates load - naming the file - never at a send."""

import shutil
from pathlib import Path

import pytest

from app.recovery.templates.library import TemplateLibrary, TemplateProblems
from app.services.recovery_templates import TEMPLATES_DIR, check_templates
from cli.main import main


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """A copy of the bundled templates to break."""
    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, copy)
    return copy


def problems_of(root: Path) -> str:
    with pytest.raises(TemplateProblems) as raised:
        TemplateLibrary.load(root)
    return raised.value.message


def test_the_bundled_copy_loads(templates: Path) -> None:
    assert TemplateLibrary.load(templates).problems == []


def test_a_variable_the_manifest_does_not_declare_fails_at_load(templates: Path) -> None:
    sms = templates / "sms" / "reminder_vip.txt.j2"
    sms.write_text(sms.read_text().replace("sms_opener() }}", "sms_opener() }}{{ balance }} "))
    message = problems_of(templates)
    assert f"{sms}: uses 'balance', which manifest.toml does not declare" in message
    assert "templates.reminder_vip" in message


def test_a_variable_used_by_a_shared_phrase_is_checked_for_every_template(templates: Path) -> None:
    phrases = templates / "languages" / "hi" / "phrases.j2"
    phrases.write_text(phrases.read_text().replace("संदर्भ: {{ case_id }}", "{{ account_no }}"))
    message = problems_of(templates)
    assert f"{phrases}: uses 'account_no'" in message
    for name in ("reminder", "reminder_first_time", "reminder_vip", "reminder_high_value"):
        assert f"templates.{name}" in message


def test_a_syntax_error_names_the_file_and_line(templates: Path) -> None:
    html = templates / "email" / "_layout.html.j2"
    lines = html.read_text().splitlines()
    lines[5] = "{% if tone %}unclosed"
    html.write_text("\n".join(lines))
    message = problems_of(templates)
    assert f"{html}:" in message and "if" in message


def test_a_declared_variable_the_context_does_not_provide_fails_at_load(templates: Path) -> None:
    manifest = templates / "manifest.toml"
    manifest.write_text(
        manifest.read_text().replace('"offer_percent",\n]', '"offer_percent", "iban",\n]', 1)
    )
    assert "templates.reminder: declares 'iban', which the context builder does not provide" in (
        problems_of(templates)
    )


def test_a_missing_language_file_or_template_file_fails_at_load(templates: Path) -> None:
    (templates / "whatsapp" / "reminder_high_value.txt.j2").unlink()
    shutil.rmtree(templates / "languages" / "es")
    message = problems_of(templates)
    assert (
        "whatsapp/reminder_high_value.txt.j2 (en, templates.reminder_high_value): file not found"
        in message
    )
    assert f"{templates / 'languages' / 'es'}: missing" in message


def test_a_template_that_renders_empty_is_found_by_check(templates: Path) -> None:
    (templates / "sms" / "reminder.txt.j2").write_text("{% if false %}{{ case_id }}{% endif %}\n")
    problems = check_templates(templates)
    assert problems and all("renders an empty text: nothing sent" in p for p in problems)
    assert any("the sms template reminder (hi, urgent)" in p for p in problems)


def test_template_check_exits_1_listing_the_problems(templates: Path, capsys) -> None:
    sms = templates / "sms" / "reminder.txt.j2"
    sms.write_text(sms.read_text() + "{{ secret }}\n")
    assert main(["recovery", "template", "check", "--templates", str(templates)]) == 1
    err = capsys.readouterr().err
    assert f"tilldesk: {sms}: uses 'secret'" in err
    shutil.copy(TEMPLATES_DIR / "sms" / "reminder.txt.j2", sms)
    assert main(["recovery", "template", "check", "--templates", str(templates)]) == 0
    assert "All 4 templates load and render" in capsys.readouterr().out


def test_the_recovery_service_refuses_to_start_on_broken_templates(
    templates: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    sms = templates / "sms" / "reminder.txt.j2"
    sms.write_text(sms.read_text() + "{{ secret }}\n")
    monkeypatch.setenv("TILLDESK_RECOVERY_TEMPLATES", str(templates))
    db = str(tmp_path / "r.sqlite")
    code = main(["recovery", "run", "--db", db, "--gateway", "demo", "--once"])
    assert code == 3
    assert "uses 'secret'" in capsys.readouterr().err
