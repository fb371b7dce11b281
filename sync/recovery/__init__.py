"""The outside world of `recovery run`: gateways that charge saved instruments, messengers."""
