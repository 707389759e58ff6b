"""The one error the warning package raises for bad input.

It is a ValueError (plain scripts and the benchmark catch that) and a
ValidationFailed (the API and web layers already turn those into a 422 with
the Chinese message), so no caller needs to know this package exists.
"""

from minxin.core.errors import ValidationFailed


class WarningInputError(ValidationFailed, ValueError):
    code = "warning_input_invalid"
