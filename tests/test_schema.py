"""The shipped XSD is the spec's schema, verbatim, and compiles in lxml and xmlschema."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from types import ModuleType

from lxml import etree

from conftest import REPO, Cli

SHIPPED = REPO / "schema" / "ms-upsmods-run-details.xsd"


def _extractor() -> ModuleType:
    spec = importlib.util.spec_from_file_location("extract_xsd", REPO / "tools" / "extract_xsd.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["extract_xsd"] = module
    spec.loader.exec_module(module)
    return module


def test_shipped_xsd_equals_the_spec_schema(spec: str) -> None:
    extract: Callable[[str], str] = _extractor().extract
    extracted = extract(spec)

    def canon(text: str) -> bytes:
        return etree.tostring(etree.fromstring(text.encode()), method="c14n2", with_comments=True)

    assert canon(extracted) == canon(SHIPPED.read_text(encoding="utf-8"))
    # Byte for byte too: the script is the only way the file is made.
    assert extracted == SHIPPED.read_text(encoding="utf-8")


def test_extractor_undoes_pdf_artifacts() -> None:
    text = "\n".join(
        [
            "intro ",
            ' <?xml version="1.0" encoding="utf-8"?> ',
            ' <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"> ',
            '    <xs:pattern value="(\\{([0-9]){8}-',
            '([0-9]){12}\\})"/> ',
            "",
            '  <xs:element name="a" minOccurs="0" ',
            'maxOccurs="1" /> ',
            "https://go.microsoft.com/fwlink/?LinkId=90608",
            "%5bMS-WMI%5d.pdf#Section_c476597d4c7647e7a2a4a564fe4bf814",
            " ",
            "22 / 99 ",
            "",
            "[MS-UPSMODS] - v20180724 ",
            "User Profile Synchronization (UPS): Management Objects Data Structure ",
            "Copyright © 2018 Microsoft Corporation ",
            "Release: July 24, 2018 ",
            "  <!-- odd  spacing  kept --> ",
            " </xs:schema> ",
        ]
    )
    out = _extractor().extract(text)
    assert out.splitlines() == [
        '<?xml version="1.0" encoding="utf-8"?>',
        ' <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">',
        '    <xs:pattern value="(\\{([0-9]){8}-([0-9]){12}\\})"/>',
        '  <xs:element name="a" minOccurs="0" maxOccurs="1" />',
        "  <!-- odd  spacing  kept -->",
        " </xs:schema>",
    ]


def test_xsd_keeps_the_spec_as_written() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    # Typos and odd spacing of the spec survive.
    assert "<!-- my retry errors -->" in text
    assert '<xs:complexType  name="algorithmStepType">' in text
    assert 'type ="binaryAnchorType"' in text
    assert text.count("<xs:enumeration") == 67 + 6 + 12 + 2 * 2 + 4 * 4 + 53 + 10 + 27 + 6 + 40


def test_xsd_compiles_in_lxml_and_xmlschema() -> None:
    etree.XMLSchema(etree.parse(str(SHIPPED)))
    import xmlschema

    schema = xmlschema.XMLSchema(str(SHIPPED))
    assert "run-history" in schema.elements


def test_schema_command_prints_the_file_and_its_path(cli: Cli) -> None:
    from pathlib import Path

    r = cli("schema", "--path")
    assert r.code == 0
    path = Path(r.out.strip())
    assert path.is_file() and path.read_text(encoding="utf-8") == SHIPPED.read_text(
        encoding="utf-8"
    )
    r = cli("schema")
    assert r.code == 0 and r.out == SHIPPED.read_text(encoding="utf-8")
