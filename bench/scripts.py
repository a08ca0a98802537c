"""The programs bench/run.py times, each run as ``python -c SCRIPT FILE`` in its own process."""

LXML = """
import sys
from lxml import etree
from runhistory.schema_facts import schema_path
schema = etree.XMLSchema(etree.parse(str(schema_path())))
parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
tree = etree.parse(sys.argv[1], parser)
schema.validate(tree)
print(len(schema.error_log))
"""

XMLSCHEMA = """
import sys
import xmlschema
from runhistory.schema_facts import schema_path
schema = xmlschema.XMLSchema(str(schema_path()))
print(sum(1 for _ in schema.iter_errors(sys.argv[1])))
"""

# The same work timed inside the process, after imports and schema building: the call alone.
LXML_CALL = """
import sys, time
from lxml import etree
from runhistory.schema_facts import schema_path
schema = etree.XMLSchema(etree.parse(str(schema_path())))
parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
start = time.perf_counter()
schema.validate(etree.parse(sys.argv[1], parser))
print(time.perf_counter() - start)
"""

XMLSCHEMA_CALL = """
import sys, time
import xmlschema
from runhistory.schema_facts import schema_path
schema = xmlschema.XMLSchema(str(schema_path()))
start = time.perf_counter()
sum(1 for _ in schema.iter_errors(sys.argv[1]))
print(time.perf_counter() - start)
"""

RUNHISTORY_CALL = """
import sys, time
from runhistory.validate import validate_bytes
validate_bytes(b"<run-history/>", "warm-up")  # builds the schema, as the others do first
start = time.perf_counter()
with open(sys.argv[1], "rb") as f:
    validate_bytes(f.read(), sys.argv[1])
print(time.perf_counter() - start)
"""

# Where the time of a tree-mode validate goes, stage by stage, inside one process.
PHASES = """
import gc, json, sys, time
from runhistory.decoding import decode
from runhistory.parsing import parse
from runhistory.rules.engine import PathFinder, run_rules
from runhistory.rules.screen import containers
from runhistory.selection import Selection
from runhistory.validate import validate_bytes
from runhistory.xsd import schema_for

validate_module = sys.modules["runhistory.validate"]

validate_bytes(b"<run-history/>", "warm-up")
with open(sys.argv[1], "rb") as f:
    data = f.read()
gc.disable()
out = {}
start = time.perf_counter()
tree = parse(decode(data))
out["parse"] = time.perf_counter() - start
start = time.perf_counter()
schema_for("strict").validate(tree)
out["xsd"] = time.perf_counter() - start
root = tree.getroot()
enabled = Selection().enabled("strict")
start = time.perf_counter()
run_rules(root, enabled, "strict", screens=containers(root))
out["rules"] = time.perf_counter() - start
start = time.perf_counter()
run_rules(root, enabled, "strict")
out["every rule"] = time.perf_counter() - start
start = time.perf_counter()
validate_module._overlapped(tree, "strict", enabled, PathFinder(tree))
out["overlapped"] = time.perf_counter() - start
print(json.dumps(out))
"""

PROFILE = """
import cProfile, io, pstats, sys
from runhistory.stream import validate_stream
from runhistory.validate import Options, validate_bytes
validate_bytes(b"<run-history/>", "warm-up")
mode = sys.argv[2]
data = open(sys.argv[1], "rb").read()
profile = cProfile.Profile()
profile.enable()
if mode == "tree":
    validate_bytes(data, "x", Options(mode="tree"))
else:
    validate_stream(io.BytesIO(data), "x", Options(mode="stream"))
profile.disable()
out = io.StringIO()
pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(12)
text = out.getvalue()
print(text[text.index("ncalls"):].rstrip())
"""

LOADS = """
import sys
import runhistory
data = open(sys.argv[1], "rb").read()
runhistory.loads(data)
"""

LXML_PARSE = """
import sys
from lxml import etree
parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
data = open(sys.argv[1], "rb").read()
etree.fromstring(data, parser)
"""
