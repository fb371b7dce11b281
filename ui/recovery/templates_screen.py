"""Recovery > Templates: a reminder template rendered with a real case, as it would be sent."""

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserFacingError
from app.services.recovery_database import shared_recovery_database
from app.services.recovery_templates import TemplatePreview, preview_template, template_summaries
from app.services.recovery_templates import TemplateSummary as Summary
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.widgets.buttons import push_button

CONSUMERS_LANGUAGE = ""  # the language combo's first item: whatever the consumer speaks
CONTROLS_WIDTH = 330  # the form's labels in full; the preview takes the rest


@dataclass(frozen=True)
class PreviewAsked:
    template: str
    channel: str
    language: str
    tone: str
    case_id: str  # "" for the first open case


def load_preview(recovery_url: str, asked: PreviewAsked) -> TemplatePreview:
    """Off the GUI thread: the recovery database opened (migrated once) and the preview."""
    return preview_template(
        shared_recovery_database(recovery_url),
        asked.template,
        asked.case_id or None,
        channel=asked.channel,
        language=asked.language or None,
        tone=asked.tone,
    )


def _combo(name: str, accessible: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    return combo


class TemplatesScreen(QWidget):
    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryTemplates")
        self._context = context
        self.summaries: dict[str, Summary] = {}
        self.preview: TemplatePreview | None = None
        heading = QLabel("Reminder templates")
        heading.setProperty("role", "heading")
        self.template = _combo("templateName", "Template")
        self.channel = _combo("templateChannel", "Channel")
        self.language = _combo("templateLanguage", "Language")
        self.tone = _combo("templateTone", "Tone")
        self.case = QLineEdit()
        self.case.setObjectName("templateCase")
        self.case.setAccessibleName("Case")
        self.case.setPlaceholderText("first open case")
        self.show_button = push_button("templatePreview", "Preview  (Enter)", "Preview", "primary")
        self.description = QLabel()
        self.description.setObjectName("templateDescription")
        self.description.setWordWrap(True)
        self.description.setProperty("role", "muted")
        self.facts = QLabel()
        self.facts.setObjectName("templateFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.status.setObjectName("templateStatus")
        self.status.setWordWrap(True)
        self.status.setProperty("role", "error")
        form = QFormLayout()
        for text, widget in (
            ("&Template", self.template),
            ("C&hannel", self.channel),
            ("&Language", self.language),
            ("T&one", self.tone),
            ("&Case", self.case),
        ):
            form.addRow(text, widget)
            caption = form.labelForField(widget)
            if isinstance(caption, QLabel):
                caption.setBuddy(widget)
        controls = QWidget()
        controls.setObjectName("templateControls")
        controls.setFixedWidth(CONTROLS_WIDTH)
        side = QVBoxLayout(controls)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(heading)
        side.addLayout(form)
        side.addWidget(self.show_button)
        side.addWidget(self.description)
        side.addWidget(self.facts)
        side.addWidget(self.status)
        side.addStretch(1)

        self.subject = QLabel()
        self.subject.setObjectName("templateSubject")
        self.subject.setProperty("role", "subheading")
        self.subject.setWordWrap(True)
        self.subject.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.html = QTextBrowser()
        self.html.setObjectName("templateHtml")
        self.html.setAccessibleName("HTML part")
        self.html.setOpenLinks(False)  # a preview never follows the payment link
        self.text = QPlainTextEdit()
        self.text.setObjectName("templateText")
        self.text.setAccessibleName("Text")
        self.text.setReadOnly(True)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("templateTabs")
        self.tabs.addTab(self.html, "HTML")
        self.tabs.addTab(self.text, "Text")
        page = QVBoxLayout()
        page.addWidget(self.subject)
        page.addWidget(self.tabs, 1)

        row = QHBoxLayout(self)
        row.setContentsMargins(20, 14, 20, 14)
        row.addWidget(controls)
        row.addSpacing(12)
        row.addLayout(page, 1)

        self.template.currentTextChanged.connect(self.on_template_changed)
        self.show_button.clicked.connect(self.show_preview)
        for combo in (self.channel, self.language, self.tone):
            combo.activated.connect(lambda _index: self.show_preview())
        only_here = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence("Return"), self, self.show_preview, context=only_here)

    def refresh(self) -> None:
        """The templates, read (and checked) off the GUI thread; then a preview."""
        ServiceOp(self, template_summaries, read=True).success(self._listed).failure(
            self._refused
        ).run()

    def _listed(self, summaries: list[Summary]) -> None:
        chosen = self.template.currentText()
        self.summaries = {s.name: s for s in summaries}
        self.template.blockSignals(True)
        self.template.clear()
        self.template.addItems(list(self.summaries))
        if chosen in self.summaries:
            self.template.setCurrentText(chosen)
        self.template.blockSignals(False)
        self.on_template_changed(self.template.currentText())

    def on_template_changed(self, name: str) -> None:
        summary = self.summaries.get(name)
        if summary is None:
            return
        _fill(self.channel, list(summary.channels))
        _fill(self.tone, list(summary.tones), keep="professional")
        self.language.clear()
        self.language.addItem("consumer's language", CONSUMERS_LANGUAGE)
        for language in summary.languages:
            self.language.addItem(language, language)
        segments = ", ".join(summary.segments)
        self.description.setText(f"{summary.description}\nFor segments: {segments}.")
        self.show_preview()

    def show_preview(self) -> None:
        if not self.template.currentText():
            return
        asked = PreviewAsked(
            template=self.template.currentText(),
            channel=self.channel.currentText(),
            language=self.language.currentData() or CONSUMERS_LANGUAGE,
            tone=self.tone.currentText(),
            case_id=self.case.text().strip(),
        )
        url = self._context.counter.recovery_db_url()
        self.status.setText("")
        ServiceOp(self, lambda: load_preview(url, asked), read=True).success(self._shown).failure(
            self._refused
        ).run()

    def _shown(self, preview: TemplatePreview) -> None:
        self.preview = preview
        message = preview.message
        self.subject.setText(message.subject or f"({message.channel}: no subject)")
        self.text.setPlainText(message.text)
        self.html.setHtml(message.html) if message.html else self.html.setPlainText(message.text)
        self.tabs.setCurrentWidget(self.html if message.html else self.text)
        self.tabs.setTabEnabled(0, bool(message.html))
        facts = [f"Case {preview.case_id}, in {message.language}"]
        if message.language != preview.wanted_language:
            facts[0] += f" (no {preview.wanted_language} version)"
        if message.sms is not None:
            facts.append(f"SMS: {message.sms.describe()}")
        if message.whatsapp_template:
            facts.append(f"WhatsApp approved template: {message.whatsapp_template}")
            facts.append("Parameters: " + " | ".join(message.parameters))
        self.facts.setText("\n".join(facts))

    def _refused(self, error: UserFacingError) -> None:
        self.preview = None
        self.subject.setText("")
        self.text.setPlainText("")
        self.html.setPlainText("")
        self.facts.setText("")
        self.status.setText(error.message)


def _fill(combo: QComboBox, items: list[str], keep: str = "") -> None:
    """Replace the items, keeping the current choice (or `keep`) when still offered."""
    current = combo.currentText() or keep
    combo.clear()
    combo.addItems(items)
    if current in items:
        combo.setCurrentText(current)
    elif keep in items:
        combo.setCurrentText(keep)
