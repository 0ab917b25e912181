"""One line of a load table from wrk's output: case, req/s, p50, p99, errors.

Usage: python3 bench/load/wrk_report.py NAME WRK_OUTPUT_FILE
"""
import re
import sys

name, text = sys.argv[1], open(sys.argv[2]).read()
rps = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0)
print(f"{name:<22} {float(rps):>10,.0f} {lat.get('50','?'):>9} {lat.get('99','?'):>9} {errors:>7}")
