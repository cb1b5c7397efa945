"""Writes data files as numpy and pandas write them, with the numbers they hold, for
Tests/NNGenRuntimeTests/DataFileInteropTests.swift (CI runs it with NNGEN_DATA_FILES set).

usage: write_data_files.py FOLDER

FOLDER/expected.json maps each file to {"shape": [...], "values": [repr of each number], and
for CSV files "names": [...]}: Python's repr of a float is the shortest decimal that reads
back to the same double, so the Swift side compares exactly.
"""
import json
import sys

import numpy as np
import pandas as pd

folder = sys.argv[1]
rng = np.random.default_rng(7)
expected = {}


def record(name, array, names=None):
    entry = {"shape": list(array.shape), "values": [repr(float(v)) for v in np.asarray(array, dtype=np.float64).ravel()]}
    if names is not None:
        entry["names"] = names
    expected[name] = entry


f32 = (rng.standard_normal((5, 3)) * 100).astype(np.float32)
np.save(f"{folder}/f32.npy", f32)
record("f32.npy", f32)
f64 = np.array([0.1, -1e-300, 1e300, 2.0**-1074, -0.0, 123456.789])
np.save(f"{folder}/f64.npy", f64)
record("f64.npy", f64)
i32 = np.array([0, 1, 2, 9, 2147483647, -5], dtype=np.int32)
np.save(f"{folder}/i32.npy", i32)
record("i32.npy", i32)
i64 = np.array([[3, 1], [4, 1], [5, 9]], dtype=np.int64)
np.save(f"{folder}/i64.npy", i64)
record("i64.npy", i64)
labels = np.array([2, 0, 1, 1, 0], dtype=np.int64)
np.save(f"{folder}/labels.npy", labels)
record("labels.npy", labels)
with open(f"{folder}/v2.npy", "wb") as f:  # format 2.0, as numpy writes headers past 64 KiB
    np.lib.format.write_array(f, f32, version=(2, 0))
record("v2.npy", f32)
np.save(f"{folder}/scalar.npy", np.float64(2.5))
record("scalar.npy", np.array(2.5))

table = rng.standard_normal((6, 3)) * [1, 1e-5, 1e5]
np.savetxt(f"{folder}/savetxt.csv", table, delimiter=",", header="a,b,c", comments="")
record("savetxt.csv", table, ["a", "b", "c"])
np.savetxt(f"{folder}/savetxt_plain.csv", table, delimiter=",")
record("savetxt_plain.csv", table, ["column1", "column2", "column3"])
np.savetxt(f"{folder}/savetxt_g.csv", table, delimiter=",", fmt="%.17g")
record("savetxt_g.csv", table, ["column1", "column2", "column3"])

frame = pd.DataFrame({"x, with a comma": table[:, 0], 'say "hi"': table[:, 1], "label": [0, 1, 2, 0, 1, 2]})
frame.to_csv(f"{folder}/pandas.csv", index=False)
record("pandas.csv", frame.to_numpy(dtype=np.float64), list(frame.columns))
frame.to_csv(f"{folder}/pandas_crlf.csv", index=False, lineterminator="\r\n")
record("pandas_crlf.csv", frame.to_numpy(dtype=np.float64), list(frame.columns))

with open(f"{folder}/expected.json", "w") as f:
    json.dump(expected, f, indent=1)
print(f"wrote {len(expected)} files to {folder}")
