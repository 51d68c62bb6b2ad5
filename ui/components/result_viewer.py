"""Renders a tool result: text, images, audio, resources, structured content; errors highlighted."""

from __future__ import annotations

import reflex as rx

from ui.components.common import code_block
from ui.state.tool_result import ResultBlock, ToolResult


def _block(block: rx.Var[ResultBlock]) -> rx.Component:
    return rx.match(
        block.kind,
        ("text", code_block(block.text, class_name="result-text")),
        (
            "image",
            rx.image(
                src=block.src,
                alt="image result",
                max_width="100%",
                max_height="320px",
                border_radius="6px",
                class_name="result-image",
            ),
        ),
        ("audio", rx.el.audio(src=block.src, controls=True)),
        (
            "resource",
            rx.vstack(
                rx.text(rx.icon("file-text", size=12), " ", block.uri, " ", block.mime, size="1"),
                code_block(block.text),
                width="100%",
                spacing="1",
            ),
        ),
        code_block(block.text),
    )


def result_viewer(result: rx.Var[ToolResult]) -> rx.Component:
    """The result panel under the Try form."""
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.cond(
                    result.is_error,
                    rx.badge(rx.icon("circle-x", size=12), "error", color_scheme="red", size="2", id="result-error"),
                    rx.badge(
                        rx.icon("circle-check", size=12), "success", color_scheme="green", size="2", id="result-ok"
                    ),
                ),
                rx.spacer(),
                rx.text(result.duration_ms.to_string() + " ms", size="1", color_scheme="gray", id="result-duration"),
                width="100%",
                align="center",
            ),
            rx.cond(result.error != "", rx.callout(result.error, icon="triangle-alert", color_scheme="red", size="1")),
            rx.foreach(result.blocks, _block),
            rx.cond(
                result.structured != "",
                rx.vstack(
                    rx.text("Structured content", size="1", weight="medium"),
                    code_block(result.structured),
                    width="100%",
                    spacing="1",
                ),
            ),
            width="100%",
            spacing="2",
        ),
        padding="12px",
        border_radius="8px",
        border=rx.cond(result.is_error, f"1px solid {rx.color('red', 8)}", f"1px solid {rx.color('gray', 5)}"),
        background_color=rx.cond(result.is_error, rx.color("red", 2), "transparent"),
        width="100%",
        id="tool-result",
    )
