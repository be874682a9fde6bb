"""The options of themes over time, declared once (:mod:`bibnet.options`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from bibnet.dynamics.periods import check_cuts, check_periods, parse_cuts, parse_periods
from bibnet.errors import OptionError
from bibnet.options import Params, option
from bibnet.texts import lang_option


@dataclass(frozen=True)
class ThemesParams(Params):
    """The periods and the measures of themes over time (:func:`themes`)."""

    kind: ClassVar[str] = "themes options"

    cuts: tuple[int, ...] = option((), parse=parse_cuts, what="cut years",
                                   help="Years that start new periods, comma-separated: 2015,2020 gives ...-2014, "
                                        "2015-2019 and 2020-....")
    periods: tuple[tuple[int, int], ...] = option((), parse=parse_periods,
                                                  help="Periods as year ranges instead of --cuts, comma-separated: "
                                                       "2005-2014,2015-2024 (records of other years are left out "
                                                       "and counted).")
    burst_s: float = option(2.0, min=1, open_min=True, what="burst rate ratio s",
                            help="Kleinberg's s: a burst is a rate s times the keyword's average (CiteSpace: 2).")
    burst_gamma: float = option(1.0, min=0, what="burst cost gamma",
                                help="Kleinberg's gamma: the cost of entering a burst (CiteSpace: 1).")
    top_bursts: int = option(25, min=1, help="Keywords in the figure of the strongest bursts.")
    trend_keywords: int = option(5, min=1, help="Keywords per median year in the trend topics figure "
                                                "(bibliometrix: 5).")
    lang: str = lang_option()

    def check(self) -> None:
        object.__setattr__(self, "cuts", tuple(int(c) for c in self.cuts))
        object.__setattr__(self, "periods", tuple((int(a), int(b)) for a, b in self.periods))
        if self.cuts and self.periods:
            raise OptionError("give cut years or periods, not both")
        check_cuts(self.cuts)
        check_periods(self.periods)

    def to_dict(self) -> dict[str, Any]:
        """The options by name; ``lang`` only when not English (English runs record what they always did)."""
        return {k: v for k, v in super().to_dict().items() if k != "lang" or v != "en"}

    @property
    def given(self) -> bool:
        """Whether periods are asked for (cut years or ranges)."""
        return bool(self.cuts or self.periods)


def require_periods(params: ThemesParams) -> None:
    """Raise :class:`~bibnet.errors.OptionError` when ``params`` asks for no period."""
    if not params.given:
        raise OptionError("themes: give cut years (cuts=[2015, 2020], --cuts 2015,2020) or periods "
                          "(periods=[(2005, 2014), (2015, 2024)], --periods 2005-2014,2015-2024)")
