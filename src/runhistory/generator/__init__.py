"""Documents made on purpose: conformant and deliberately broken RunDetails run-history XML.

The package works without Hypothesis.  Every choice a document needs goes through a
:class:`~runhistory.generator.choices.Chooser`: :mod:`runhistory.strategies` hands the builder a
chooser that draws from Hypothesis (so examples shrink), ``runhistory generate`` one that draws
from ``random.Random(seed)`` (so a seed gives the same bytes on any machine).

- :mod:`.build`: the conformant document, valid under the XSD and every rule by construction
  (:mod:`.records` makes its error records).
- :mod:`.edits`: what a break is, its registry and the edits breaks share; a rule's break is
  registered beside the rule in its module; :mod:`.breaks` has those of the D, S and U codes.
- :mod:`.node`: a small element tree with a streaming writer and the paths findings use.
- :mod:`.encode`: the byte forms users save (UTF-8, UTF-16 with BOM, utf-16 declared on UTF-8).
- :mod:`.coverage`: which XSD elements, attributes and enumeration values documents use.
"""
