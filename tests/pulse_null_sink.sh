#!/usr/bin/env bash
# Start a PulseAudio server with one null sink ("virt") for the recording tests, unless
# one is already answering, and print the environment that reaches it:
#
#   eval "$(tests/pulse_null_sink.sh)"     # then: python -m pytest tests/audio ...
#
# The server lives in its own runtime folder, so it never touches a desktop's sound
# server. Playing into sink "virt" (paplay --device=virt) comes back on its monitor,
# the default source, which PortAudio reaches through the ALSA devices "pulse"/"default".
# Exit status 1 (and a reason on stderr) when PulseAudio cannot be started.
set -euo pipefail

runtime="${MUSICPRACTICE_PULSE_RUNTIME:-${TMPDIR:-/tmp}/musicpractice-pulse-$(id -u)}"
export XDG_RUNTIME_DIR="$runtime"
unset PULSE_SERVER

ready() {
    pactl list short sinks 2>/dev/null | grep -q $'\tvirt\t'
}

if ! ready; then
    command -v pulseaudio >/dev/null || {
        echo "pulse_null_sink: pulseaudio is not installed (apt-get install pulseaudio pulseaudio-utils libasound2-plugins)" >&2
        exit 1
    }
    if pactl info >/dev/null 2>&1; then
        # our server runs but lost its sink (e.g. a test unloaded it): add it again
        pactl load-module module-null-sink sink_name=virt >/dev/null
    else
        mkdir -p "$runtime"
        chmod 700 "$runtime"
        pulseaudio -D --exit-idle-time=-1 --system=false --disallow-exit -n \
            --load=module-native-protocol-unix --load="module-null-sink sink_name=virt" \
            --load=module-always-sink >/dev/null 2>&1 || true
    fi
    for _ in $(seq 50); do
        ready && break
        sleep 0.1
    done
    ready || { echo "pulse_null_sink: PulseAudio did not start in $runtime" >&2; exit 1; }
fi
pactl set-default-sink virt
pactl set-default-source virt.monitor
echo "export XDG_RUNTIME_DIR='$runtime'"
