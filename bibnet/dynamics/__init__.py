"""How a field moves: themes per period, their evolution, trend topics and keyword bursts.

:func:`themes` runs it all (:mod:`bibnet.dynamics.run`) with the options of
:mod:`~bibnet.dynamics.params` and returns a :class:`Themes` (:mod:`~bibnet.dynamics.result`); the
measures live one module each:
:mod:`~bibnet.dynamics.periods`, :mod:`~bibnet.dynamics.strategic`,
:mod:`~bibnet.dynamics.evolution`, :mod:`~bibnet.dynamics.trends`, :mod:`~bibnet.dynamics.bursts`;
:mod:`~bibnet.dynamics.files` writes the folder and :mod:`~bibnet.dynamics.methods` the methods text.
"""

from bibnet.dynamics.params import ThemesParams
from bibnet.dynamics.result import Themes
from bibnet.dynamics.run import themes

__all__ = ["Themes", "ThemesParams", "themes"]
