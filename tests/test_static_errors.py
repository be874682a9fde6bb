"""save_static refuses what it cannot draw faithfully, with a one-line OptionError, and writes nothing."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from bibnet.errors import OptionError
from bibnet.plotting import network_figure, save_static
from bibnet.plotting.themes import bursts_figure, strategic_figure

CAN_DRAW = "save_static draws scatter and heatmap traces (bibnet's network, overlay and density figures)"
HIDDEN = dict(xaxis=dict(visible=False), yaxis=dict(visible=False))


def small_network() -> go.Figure:
    items = pd.DataFrame({"id": [1, 2, 3], "label": ["a", "b", "c"], "x": [0.0, 1.0, 0.5], "y": [0.0, 0.0, 1.0],
                          "cluster": pd.array([1, 1, 2], dtype="Int64"), "weight<Occurrences>": [3.0, 2.0, 1.0]})
    links = pd.DataFrame({"source": [1, 1], "target": [2, 3], "strength": [1.0, 2.0]})
    return network_figure(items, links, width=300, height=240)


def refused(fig, tmp_path) -> str:
    """The message of the error ``save_static`` raises; checks that no file was written."""
    with pytest.raises(OptionError) as error:
        save_static(fig, tmp_path / "f.png", tmp_path / "f.svg")
    assert list(tmp_path.iterdir()) == []
    return str(error.value)


def test_bar_chart_is_refused_and_nothing_is_written(tmp_path):
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout=HIDDEN)
    message = f"cannot draw a 'bar' trace as a static picture; {CAN_DRAW}"
    assert refused(fig, tmp_path) == message
    assert refused(json.loads(fig.to_json()), tmp_path) == message  # the dict form too


def test_bibnet_figure_with_an_added_bar_is_refused(tmp_path):
    fig = small_network()
    fig.add_trace(go.Bar(x=[0.0], y=[1.0]))
    assert refused(fig, tmp_path) == f"cannot draw a 'bar' trace as a static picture; {CAN_DRAW}"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda f: f.update_xaxes(visible=True), "a visible x axis with automatic ticks (give tickvals and ticktext)"),
        (lambda f: f.update_yaxes(type="log"), "a log y axis"),
        (lambda f: f.update_yaxes(autorange="reversed"), "a reversed y axis"),
        (lambda f: f.add_shape(type="rect", x0=0, x1=1, y0=0, y1=1), "layout shapes"),
        (lambda f: f.add_annotation(x=0, y=0, text="here"), "an annotation with an arrow (set showarrow=False)"),
        (lambda f: f.add_annotation(x=0.5, y=0.5, xref="x domain", yref="paper", text="t", showarrow=False),
         "an annotation placed in x domain/paper coordinates"),
        (lambda f: f.add_annotation(x=0, y=0, text="t", showarrow=False, bgcolor="yellow"),
         "an annotation with a background or border"),
        (lambda f: f.add_annotation(x=0, y=0, text="t", showarrow=False, textangle=-90), "an annotation at an angle of -90"),
        (lambda f: f.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line=dict(dash="dot"))), "lines dashed 'dot'"),
        (lambda f: f.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="markers", marker=dict(symbol="square"))),
         "markers of symbol 'square' (only circles are drawn)"),
        (lambda f: f.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="markers", marker=dict(color=[1, 2]))),
         "markers coloured by numbers through a colour scale (give the colours themselves)"),
        (lambda f: f.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="markers", marker=dict(opacity=0.5))),
         "markers of opacity 0.5 (only 0 and 1 are drawn)"),
        (lambda f: f.add_trace(go.Scatter(x=[0, 1], y=[0, 1], fill="tozeroy")), "a scatter trace filled 'tozeroy'"),
        (lambda f: f.add_trace(go.Scatter(x=[0, 1], y=[0, 1], fill="tonexty")), "a scatter trace filled 'tonexty'"),
        (lambda f: f.add_trace(go.Scatter(x=[0, 1, 0], y=[0, 1, 1], fill="toself")),
         "a scatter trace filled 'toself' without one fillcolor (plotly's default, a gradient or a pattern)"),
        (lambda f: f.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line=dict(shape="spline"))), "lines shaped 'spline'"),
        (lambda f: f.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="markers+text", text=["a", "b"], textposition="top left")),
         "text at position 'top left' beside markers (only 'middle center' is drawn there)"),
        (lambda f: f.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="markers", marker=dict(size=[5, 9]))),
         "markers sized one by one at plotly's default opacity for them, 0.7 (set marker.opacity)"),
        (lambda f: f.add_trace(go.Scatter(x=["a", "b"], y=[0, 1])),
         "a scatter trace of text or dates for x or y (category or date axes)"),
        (lambda f: f.add_trace(go.Scatter(y=[0, 1])), "a scatter trace without x (plotly numbers the points)"),
        (lambda f: f.add_trace(go.Scatter(x=[0, 1], y=[0, 1], xaxis="x2")),
         "a trace on the axes x2/y (subplots or a second axis)"),
        (lambda f: f.add_trace(go.Scatter(x=[0, 1], y=[0, 1], visible="legendonly")),
         "a trace shown in the legend only (visible='legendonly')"),
        (lambda f: f.add_trace(go.Heatmap(x=[0, 1], y=[0, 1], z=[[0, 1], [1, 0]])),
         "a heatmap with a colour bar (set showscale=False)"),
        (lambda f: f.add_trace(go.Heatmap(z=[[0, 1], [1, 0]], showscale=False)), "a heatmap without numeric x, y and z"),
    ],
)
def test_what_would_come_out_wrong_is_refused(tmp_path, change, problem):
    fig = small_network()
    change(fig)
    message = refused(fig, tmp_path)
    assert message == f"cannot draw {problem} as a static picture; {CAN_DRAW}"
    assert "\n" not in message


def strategic() -> go.Figure:
    themes = pd.DataFrame({"theme": [1, 2], "name": ["a", "b"], "occurrences": [3, 5], "centrality": [0.5, 1.5],
                           "density": [2.0, 1.0], "quadrant": ["niche", "basic"]})
    return strategic_figure(themes, width=300, height=240)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda f: f.update_xaxes(type="log"), "a log x axis"),
        (lambda f: f.update_yaxes(range=None), "a visible y axis without a fixed range (set range)"),
        (lambda f: f.update_xaxes(autorange=True), "a visible x axis without a fixed range (set range)"),
        (lambda f: f.update_xaxes(tickvals=None, ticktext=None),
         "a visible x axis with automatic ticks (give tickvals and ticktext)"),
        (lambda f: f.update_yaxes(ticktext=["1"]), "a visible y axis with 3 tickvals but 1 ticktext"),
        (lambda f: f.update_xaxes(tickangle=45), "tick labels at an angle of 45 on the x axis"),
        (lambda f: f.update_xaxes(ticks="inside"), "ticks inside the x axis"),
        (lambda f: f.update_yaxes(side="right"), "the y axis on the right"),
        (lambda f: f.update_xaxes(mirror=True), "a mirrored x axis"),
        (lambda f: f.update_xaxes(zeroline=None), "a visible x axis with a zero line (set zeroline=False)"),
        (lambda f: f.update_yaxes(showgrid=None),
         "a visible y axis with plotly's default grid (set showgrid, and gridcolor if shown)"),
        (lambda f: f.update_xaxes(automargin=True), "automargin on the x axis"),
        (lambda f: f.update_yaxes(scaleanchor="x"), "a visible y axis tied to another axis (scaleanchor or matches)"),
        (lambda f: f.update_xaxes(title_standoff=5), "a title standoff on the x axis"),
        (lambda f: f.update_layout(template="plotly"), "a visible x axis styled by the figure's template (use template='none')"),
    ],
)
def test_visible_axes_are_refused_where_they_would_come_out_wrong(tmp_path, change, problem):
    fig = strategic()
    save_static(fig, None, tmp_path / "ok.svg")  # drawable as made
    (tmp_path / "ok.svg").unlink()
    change(fig)
    assert refused(fig, tmp_path) == f"cannot draw {problem} as a static picture; {CAN_DRAW}"


def test_what_bibnet_now_draws_is_drawn(tmp_path):
    """Paper annotations, 'toself' fills, dashed lines, text beside its point and visible axes with given ticks."""
    fig = small_network()
    fig.add_annotation(x=1, y=1, xref="paper", yref="paper", xanchor="right", yanchor="top", text="corner", showarrow=False)
    fig.add_annotation(x=1, y=0.5, xref="paper", yref="y", xanchor="left", xshift=4, text="beside", showarrow=False)
    fig.add_trace(go.Scatter(x=[0, 1, 1, None, 0, 0.5, 0], y=[0, 0, 1, None, 1, 1, 0.5], mode="lines", fill="toself",
                             fillcolor="rgba(0,0,255,0.3)", line=dict(width=0)))
    fig.add_trace(go.Scatter(x=[0, 1], y=[0.5, 0.5], mode="lines", line=dict(dash="dash", color="grey", width=1)))
    fig.add_trace(go.Scatter(x=[0.2, 0.8], y=[0.2, 0.2], mode="text", text=["left", "right"], textposition="middle left"))
    save_static(fig, tmp_path / "n.png", tmp_path / "n.svg")
    save_static(bursts_figure(pd.DataFrame({"keyword": ["k"], "strength": [2.0], "start": [2001], "end": [2002]}),
                              first_year=2000, last_year=2005), tmp_path / "b.png", tmp_path / "b.svg")
    assert all((tmp_path / f).stat().st_size > 1000 for f in ("n.png", "n.svg", "b.png", "b.svg"))


def test_hidden_traces_are_left_out_whatever_they_are(tmp_path):
    fig = small_network()
    save_static(fig, None, tmp_path / "a.svg")
    fig.add_trace(go.Bar(x=[0.0], y=[1.0], visible=False))
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="markers", marker=dict(symbol="square"), visible=False))
    save_static(fig, None, tmp_path / "b.svg")
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
