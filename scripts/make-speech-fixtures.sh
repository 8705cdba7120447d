#!/usr/bin/env bash
# Generates the emulator's speech clips: 8 kHz mono G.711 µ-law WAV files made
# with espeak-ng and sox, plus manifest.json (role, text, file). Run once; the
# output is committed under fixtures/speech/ so tests and the demo need neither
# tool. Re-running rewrites the same files (espeak-ng output is deterministic
# for a given version).
set -euo pipefail

# `make-speech-fixtures.sh caller`: only the bot-call caller phrases (raw µ-law
# with a measured speech span), see make-caller-fixtures.sh.
if [ "${1:-}" = caller ]; then exec "$(dirname "$0")/make-caller-fixtures.sh"; fi

out="$(cd "$(dirname "$0")/.." && pwd)/fixtures/speech"
for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "make-speech-fixtures: $tool is not installed" >&2; exit 1; }
done
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
rm -f "$out"/*.wav "$out"/manifest.json  # the caller/ subfolder is left alone

# role|voice|text — customer and agent use different voices so the two
# channels are easy to tell apart by ear.
phrases=(
  "customer|en-us+f3|Hi, I'm calling about my last bill."
  "customer|en-us+f3|I think I was charged twice this month."
  "customer|en-us+f3|My account number is one two three four."
  "customer|en-us+f3|Yes, that's right."
  "customer|en-us+f3|Could you check when my order will arrive?"
  "customer|en-us+f3|Okay, thank you for your help."
  "agent|en-gb+m3|Thank you for calling, how can I help you today?"
  "agent|en-gb+m3|Let me look into that for you."
  "agent|en-gb+m3|Can you confirm your account number, please?"
  "agent|en-gb+m3|I can see the duplicate charge. I'll refund it now."
  "agent|en-gb+m3|Is there anything else I can help you with?"
  "agent|en-gb+m3|Please hold for a moment while I check."
)

manifest="["
n=0
declare -A per_role=()
for entry in "${phrases[@]}"; do
  IFS='|' read -r role voice text <<<"$entry"
  n=$((n + 1))
  per_role[$role]=$(( ${per_role[$role]:-0} + 1 ))
  file="$(printf '%s-%02d.wav' "$role" "${per_role[$role]}")"
  espeak-ng -v "$voice" -s 165 -w "$tmp/raw.wav" "$text"
  # Trim leading/trailing silence, then resample to telephone µ-law.
  sox "$tmp/raw.wav" -r 8000 -c 1 -e u-law -b 8 "$out/$file" silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
  [ $n -gt 1 ] && manifest+=","
  manifest+="$(printf '\n  {"role": "%s", "file": "%s", "text": "%s"}' "$role" "$file" "$text")"
done
manifest+=$'\n]\n'
printf '%s' "$manifest" >"$out/manifest.json"
echo "wrote $n clips to $out ($(du -sh "$out" | cut -f1))"
