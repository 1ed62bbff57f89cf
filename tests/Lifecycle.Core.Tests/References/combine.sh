#!/bin/sh
# Joins the parts generated in parallel (generate_model_references.py [model ...]) into TestData/model_references.csv.
# A part whose generator is still running may end in a half-written line: its last line is dropped.
set -e
out=../TestData/model_references.csv
head -n 3 model_references.csv > "$out"
echo "# generated in parallel parts (bgnbd | mbgnbd | gg bgbb | sbg) and joined by combine.sh" >> "$out"
for f in model_references.csv:gen.log part2.csv:gen2.log part3.csv:gen3.log part4.csv:gen4.log; do
  csv=${f%%:*}; log=${f##*:}
  if grep -q '^done' "$log" && ! grep -q Traceback "$log"; then cat "$csv"; else head -n -1 "$csv"; fi \
    | grep -v '^#' | awk -F, 'NF == 6' | { if [ "$csv" = part3.csv ]; then grep -v '^sbg,'; else cat; fi; }
done >> "$out"
wc -l "$out"
