"""The central server's sign-in fields - address, certificate fingerprint, a server admin's user
name and password, plain-HTTP consent - as rows of a form: the first-run wizard's server page
and the Sync screen's "Connect to a server" dialog ask the same, in the same words."""

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit

from app.services.first_run import ServerAnswers, check_server_answers

FIELDS = ("url", "fingerprint", "admin_user")  # check_server_answers' keys, in form order


class ServerFields:
    """Adds its rows to `form`; object names start with `prefix` (firstRunServerUrl...)."""

    def __init__(self, form: QFormLayout, prefix: str) -> None:
        self.url = _edit(f"{prefix}ServerUrl", "Server address")
        self.url.setPlaceholderText("https://sync.example:8443")
        self.fingerprint = _edit(f"{prefix}Fingerprint", "Certificate fingerprint")
        self.fingerprint.setPlaceholderText("for a self-signed certificate: as 'server run' prints")
        self.admin_user = _edit(f"{prefix}AdminUser", "Server admin user")
        self.admin_password = _edit(f"{prefix}AdminPassword", "Server admin password")
        self.admin_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.insecure_http = QCheckBox("Allow plain &HTTP (only on a network you trust)")
        self.insecure_http.setObjectName(f"{prefix}InsecureHttp")
        form.addRow("Server &address", self.url)
        form.addRow("Certificate &fingerprint", self.fingerprint)
        form.addRow("Server admin &user", self.admin_user)
        form.addRow("Server admin pass&word", self.admin_password)
        form.addRow("", self.insecure_http)

    def edits(self) -> tuple[QLineEdit | QCheckBox, ...]:
        return (
            self.url,
            self.fingerprint,
            self.admin_user,
            self.admin_password,
            self.insecure_http,
        )

    def answers(self) -> ServerAnswers:
        return ServerAnswers(
            url=self.url.text().strip(),
            fingerprint=self.fingerprint.text().strip(),
            admin_user=self.admin_user.text().strip(),
            admin_password=self.admin_password.text(),
            insecure_http=self.insecure_http.isChecked(),
        )

    def first_problem(self) -> str | None:
        """What the wizard's server page would say first, or None."""
        problems = check_server_answers(self.answers())
        return next((problems[f] for f in FIELDS if f in problems), None)


def _edit(name: str, accessible: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    return edit
