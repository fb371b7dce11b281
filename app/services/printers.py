"""This counter's printers: add, change, remove and list them (admins), pick one to print on."""

from dataclasses import asdict

from app.db.tables import Printer
from app.domain.errors import NotFound, UserFacingError
from app.domain.ids import new_id
from app.domain.printing import (
    UNPRINTED,
    DocumentKind,
    PrinterConfig,
    auto_print_text,
    check_name,
    printer_config,
)
from app.services.actors import actor_for
from app.services.unit_of_work import UnitOfWork


def list_printers(uow: UnitOfWork) -> list[PrinterConfig]:
    with uow:
        return [config_of(row) for row in _rows(uow)]


def add_printer(
    uow: UnitOfWork,
    *,
    name: str,
    kind: str,
    address: str,
    width_mm: int | str = 80,
    code_page: str = "CP437",
    auto_print: str | tuple[str, ...] = (),
    opens_drawer: bool = True,
    enabled: bool = True,
    username: str | None = None,
) -> PrinterConfig:
    with uow:
        actor = actor_for(uow, username, "manage_settings")
        config = printer_config(
            name=name,
            kind=kind,
            address=address,
            width_mm=width_mm,
            code_page=code_page,
            enabled=enabled,
            auto_print=auto_print,
            opens_drawer=opens_drawer,
        )
        if _find(uow, config.name) is not None:
            raise UserFacingError(f"This counter already has a printer named '{config.name}'.")
        now = uow.now()
        row = Printer(id=new_id(), terminal_id=uow.terminal().id, created_at=now, updated_at=now)
        _apply(row, config)
        uow.printers.add(row)
        uow.audit(
            user_id=actor.user_id,
            action="printer.added",
            entity="printer",
            entity_id=row.id,
            after=_snapshot(config),
        )
        uow.commit()
        return config


def update_printer(
    uow: UnitOfWork,
    name: str,
    *,
    kind: str | None = None,
    address: str | None = None,
    width_mm: int | str | None = None,
    code_page: str | None = None,
    auto_print: str | tuple[str, ...] | None = None,
    opens_drawer: bool | None = None,
    enabled: bool | None = None,
    username: str | None = None,
) -> PrinterConfig:
    """Change what is given, keep the rest; the name stays (jobs refer to it)."""
    with uow:
        actor = actor_for(uow, username, "manage_settings")
        row = find_printer(uow, name)
        before = config_of(row)
        given = {
            "kind": kind,
            "address": address,
            "width_mm": width_mm,
            "code_page": code_page,
            "auto_print": auto_print,
            "opens_drawer": opens_drawer,
            "enabled": enabled,
        }
        merged = {**asdict(before), **{k: v for k, v in given.items() if v is not None}}
        after = printer_config(**merged)
        _apply(row, after)
        row.updated_at = uow.now()
        uow.audit(
            user_id=actor.user_id,
            action="printer.changed",
            entity="printer",
            entity_id=row.id,
            before=_snapshot(before),
            after=_snapshot(after),
        )
        uow.commit()
        return after


def remove_printer(uow: UnitOfWork, name: str, *, username: str | None = None) -> None:
    """Refused while jobs still wait for it: they would be lost."""
    with uow:
        actor = actor_for(uow, username, "manage_settings")
        row = find_printer(uow, name)
        waiting = uow.print_jobs.waiting_for(row.name, UNPRINTED)
        if waiting:
            raise UserFacingError(
                f"Printer '{row.name}' still has {waiting} job(s) to print: "
                "let them print or cancel them first."
            )
        uow.audit(
            user_id=actor.user_id,
            action="printer.removed",
            entity="printer",
            entity_id=row.id,
            before=_snapshot(config_of(row)),
        )
        uow.printers.remove(row)
        uow.commit()


def find_printer(uow: UnitOfWork, name: str) -> Printer:
    row = _find(uow, check_name(name))
    if row is None:
        known = ", ".join(r.name for r in _rows(uow)) or "none yet"
        raise NotFound(f"This counter has no printer named '{name.strip()}' (printers: {known}).")
    return row


def choose_printer(uow: UnitOfWork, name: str | None = None) -> PrinterConfig:
    """The printer named, or this counter's first enabled one."""
    if name:
        return config_of(find_printer(uow, name))
    for row in _rows(uow):
        if row.enabled:
            return config_of(row)
    raise UserFacingError(
        "This counter has no printer set up: add one in Settings > Printers "
        "(tilldesk printers add)."
    )


def auto_printer(uow: UnitOfWork, kind: DocumentKind) -> PrinterConfig | None:
    """The first enabled printer that prints this kind of document by itself, if any."""
    for row in _rows(uow):
        config = config_of(row)
        if config.prints_automatically(kind):
            return config
    return None


def printer_by_name(uow: UnitOfWork, name: str) -> PrinterConfig | None:
    row = _find(uow, name)
    return None if row is None else config_of(row)


def config_of(row: Printer) -> PrinterConfig:
    return printer_config(
        name=row.name,
        kind=row.kind,
        address=row.address,
        width_mm=row.width_mm,
        code_page=row.code_page,
        enabled=row.enabled,
        auto_print=row.auto_print,
        opens_drawer=row.opens_drawer,
    )


def _rows(uow: UnitOfWork) -> list[Printer]:
    return uow.printers.on_terminal(uow.terminal().id)


def _find(uow: UnitOfWork, name: str) -> Printer | None:
    return uow.printers.by_name(uow.terminal().id, name)


def _apply(row: Printer, config: PrinterConfig) -> None:
    row.name = config.name
    row.kind = config.kind.value
    row.address = config.address
    row.width_mm = config.width_mm
    row.code_page = config.code_page
    row.enabled = config.enabled
    row.auto_print = auto_print_text(config.auto_print)
    row.opens_drawer = config.opens_drawer


def _snapshot(config: PrinterConfig) -> dict[str, object]:
    return {
        "name": config.name,
        "kind": config.kind.value,
        "address": config.address,
        "width_mm": config.width_mm,
        "code_page": config.code_page,
        "enabled": config.enabled,
        "auto_print": auto_print_text(config.auto_print),
        "opens_drawer": config.opens_drawer,
    }
