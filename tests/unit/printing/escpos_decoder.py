"""A small ESC/POS decoder for tests: the bytes a printer would get, back into lines and events.

It knows only the commands Tilldesk sends and fails loudly on anything else, so a new command
in the renderer shows up as a test failure rather than as garbage on paper.
"""

from dataclasses import dataclass, field

ESC, GS, DLE, LF, NUL = 0x1B, 0x1D, 0x10, 0x0A, 0x00
# ESC t n -> the Python codec of that table (the ones Tilldesk may select)
CODE_PAGES = {0: "cp437", 2: "cp850", 16: "cp1252", 17: "cp866", 19: "cp858", 46: "cp1251"}
ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}


@dataclass(frozen=True)
class Line:
    text: str
    align: str
    bold: bool
    width: int  # character width multiplier
    height: int

    @property
    def columns(self) -> int:
        return len(self.text) * self.width


@dataclass(frozen=True)
class Event:
    kind: str  # init, code_page, feed, cut, drawer, qr, barcode, image, status_query
    value: object = None
    after_line: int = 0  # how many lines were printed before it


@dataclass
class Decoded:
    lines: list[Line] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]

    def of_kind(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind == kind]


class _Decoder:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.out = Decoded()
        self.buffer = bytearray()
        self.reset()
        self.qr_store = b""

    def reset(self) -> None:
        self.align, self.bold, self.width, self.height = "left", False, 1, 1
        self.codec = "cp437"

    def take(self, n: int = 1) -> bytes:
        if self.pos + n > len(self.data):
            raise ValueError(f"truncated command at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def event(self, kind: str, value: object = None) -> None:
        self.out.events.append(Event(kind, value, len(self.out.lines)))

    def flush(self) -> None:
        text = bytes(self.buffer).decode(self.codec)
        line = Line(text, self.align, self.bold, self.width, self.height)
        self.out.lines.append(line)
        self.buffer.clear()

    def run(self) -> Decoded:
        while self.pos < len(self.data):
            b = self.byte()
            if b == LF:
                self.flush()
            elif b == ESC:
                self.esc(self.byte())
            elif b == GS:
                self.gs(self.byte())
            elif b == DLE:
                if self.byte() != 0x04:
                    raise ValueError(f"unknown DLE command at byte {self.pos}")
                self.event("status_query", self.byte())
            elif b < 0x20:
                raise ValueError(f"unexpected control byte {b:#04x} at {self.pos - 1}")
            else:
                self.buffer.append(b)
        if self.buffer:
            raise ValueError(f"text left without a line feed: {bytes(self.buffer)!r}")
        return self.out

    def esc(self, cmd: int) -> None:
        if cmd == ord("@"):
            self.reset()
            self.event("init")
        elif cmd == ord("t"):
            number = self.byte()
            self.codec = CODE_PAGES[number]
            self.event("code_page", number)
        elif cmd == ord("a"):
            self.align = ALIGN[self.byte()]
        elif cmd == ord("E"):
            self.bold = bool(self.byte() & 1)
        elif cmd == ord("!"):
            mode = self.byte()
            self.bold = bool(mode & 0x08)
            self.height = 2 if mode & 0x10 else 1
            self.width = 2 if mode & 0x20 else 1
        elif cmd == ord("d"):
            lines = self.byte()
            for _ in range(lines):
                self.flush()
            self.event("feed", lines)
        elif cmd == ord("p"):
            pin, on, off = self.take(3)
            self.event("drawer", {"pin": 2 if pin in (0, 48) else 5, "on": on, "off": off})
        elif cmd in (ord("-"), ord("M"), ord("G")):
            self.byte()  # underline, font, double-strike: no effect on the text
        else:
            raise ValueError(f"unknown ESC {cmd:#04x} at byte {self.pos - 1}")

    def gs(self, cmd: int) -> None:
        if cmd == ord("!"):
            size = self.byte()
            self.width, self.height = (size >> 4) + 1, (size & 0x0F) + 1
        elif cmd == ord("V"):
            mode = self.byte()
            if mode in (65, 66):
                self.byte()
            self.event("cut", "partial" if mode in (1, 49, 66) else "full")
        elif cmd == ord("("):
            self.gs_paren()
        elif cmd == ord("k"):
            self.barcode()
        elif cmd in (ord("h"), ord("w"), ord("H"), ord("f"), ord("B")):
            self.byte()  # barcode height, width, text position, font; reverse printing
        elif cmd == ord("v"):
            if self.take(1) != b"0":
                raise ValueError("only GS v 0 raster images are known")
            self.byte()  # density
            width_bytes = int.from_bytes(self.take(2), "little")
            height = int.from_bytes(self.take(2), "little")
            bits = self.take(width_bytes * height)
            self.event("image", {"width": width_bytes * 8, "height": height, "bits": bits})
        else:
            raise ValueError(f"unknown GS {cmd:#04x} at byte {self.pos - 1}")

    def gs_paren(self) -> None:
        function = self.byte()
        size = int.from_bytes(self.take(2), "little")
        body = self.take(size)
        if function != ord("k") or body[0] != ord("1"):
            raise ValueError(f"only GS ( k QR codes are known, got {bytes([function])!r}")
        fn = body[1]
        if fn == 80:  # store the data (after the m byte '0')
            self.qr_store = body[3:]
        elif fn == 81:  # print what was stored
            self.event("qr", self.qr_store.decode())
        # 65 model, 67 module size, 69 error correction: settings only

    def barcode(self) -> None:
        kind = self.byte()
        if kind <= 6:  # function A: data until NUL
            end = self.data.index(NUL, self.pos)
            data = self.take(end - self.pos)
            self.byte()
        else:  # function B: length byte, then the data
            data = self.take(self.byte())
        text = data.decode("ascii")
        if kind == 73 and text[:2] in ("{A", "{B", "{C"):
            text = text[2:]  # Code 128 code set selector
        self.event("barcode", {"type": kind, "data": text})


def decode(data: bytes) -> Decoded:
    return _Decoder(data).run()
