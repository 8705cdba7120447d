#!/usr/bin/env bash
# Generates the emulator's caller phrases for bot calls (AudioConnector):
# raw 8 kHz mono G.711 µ-law files made with espeak-ng and sox, plus
# manifest.json ({name, text, durationMs, speechStartMs, speechEndMs}). The
# speech span is measured from the samples (first/last 10 ms window louder than
# a threshold), not assumed from the file length: each file keeps a little
# leading and trailing silence, as a caller's audio would. Run once; the output
# is committed under fixtures/speech/caller/ so tests and the demo need neither
# tool. Called by scripts/make-speech-fixtures.sh with `caller`.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/fixtures/speech/caller"
for tool in espeak-ng sox node; do
  command -v "$tool" >/dev/null || { echo "make-caller-fixtures: $tool is not installed" >&2; exit 1; }
done
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
rm -f "$out"/*.ulaw "$out"/manifest.json

# name|text
phrases=(
  "opening-hours|What are your opening hours?"
  "order-status|What is my order status?"
  "talk-to-agent|Talk to an agent."
  "goodbye|Goodbye."
  "yes|Yes."
  "no|No."
  "long-question|I ordered a blue jacket three weeks ago and it still has not arrived, could you please tell me where it is and when I can expect it?"
)

entries=()
for entry in "${phrases[@]}"; do
  IFS='|' read -r name text <<<"$entry"
  espeak-ng -v en-us+f3 -s 165 -w "$tmp/raw.wav" "$text"
  # Trim espeak's silence, then pad 250 ms before and 300 ms after (a caller
  # does not start speaking on the first sample), resampled to µ-law.
  sox "$tmp/raw.wav" -r 8000 -c 1 -e u-law -b 8 -t raw "$out/$name.ulaw" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse pad 0.25 0.3
  entries+=("$name|$text")
done

# Measure each file's speech span from its samples.
node --input-type=module - "$out" "${entries[@]}" <<'JS'
import { readFileSync, writeFileSync } from 'node:fs';
const [dir, ...entries] = process.argv.slice(2);
const decode = (b) => {
  const u = ~b & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - t : t - 0x84;
};
const WINDOW = 80; // 10 ms at 8 kHz
const THRESHOLD = 300; // RMS in 16-bit units, well above µ-law silence (0xFF decodes to 0)
const manifest = entries.map((e) => {
  const [name, text] = e.split('|');
  const bytes = readFileSync(`${dir}/${name}.ulaw`);
  let first = -1, last = -1;
  for (let w = 0; w * WINDOW < bytes.length; w++) {
    let sum = 0, n = 0;
    for (let i = w * WINDOW; i < Math.min(bytes.length, (w + 1) * WINDOW); i++, n++) sum += decode(bytes[i]) ** 2;
    if (Math.sqrt(sum / n) > THRESHOLD) { if (first < 0) first = w; last = w; }
  }
  return { name, file: `${name}.ulaw`, text, durationMs: bytes.length / 8, speechStartMs: first * 10, speechEndMs: (last + 1) * 10 };
});
writeFileSync(`${dir}/manifest.json`, JSON.stringify(manifest, null, 2) + '\n');
JS
echo "wrote ${#phrases[@]} caller phrases to $out ($(du -sh "$out" | cut -f1))"
