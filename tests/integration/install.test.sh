#!/usr/bin/env bash
# Installed like a tool: `cmake --install` into a temporary prefix, the prefix moved elsewhere, and
# the blog's Node.js JITR flow (aws-sdk v2) run against the *installed* binary with the handler
# from the installed fixtures. As root, the binary runs in a mount namespace with an empty tmpfs
# over the source tree (build/ included), so it can only have found its Node.js SDKs next to
# itself; otherwise IOTEMU_LAMBDA_NODE_MODULES is unset and the log must name the installed
# folder. Then tests/package/, a C++ test suite, is built against the prefix with
# find_package(IotEmulator) and runs its JITR flow in-process. Without the installed SDKs,
# deploying a nodejs function logs one clear warning. Last, `cpack -G DEB` makes the package
# whose layout and Depends are checked with dpkg-deb.
source "$(dirname "$0")/lib.sh"
unset IOTEMU_LAMBDA_NODE_MODULES
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=$(cd "$(dirname "$IOTEMU_BIN")" && pwd)
[[ -f $build_dir/cmake_install.cmake ]] || fail "$build_dir is not a CMake build tree"

cmake --install "$build_dir" --prefix "$WORK/staging" >/dev/null
prefix=$WORK/elsewhere/opt/iot-emulator
mkdir -p "$(dirname "$prefix")"
mv "$WORK/staging" "$prefix"
for file in bin/iot-emulator share/iot-emulator/node_modules/aws-sdk/package.json \
  share/iot-emulator/node_modules/@aws-sdk/client-iot/package.json \
  share/iot-emulator/fixtures/handlers/jitr_blog_nodejs/index.js \
  share/iot-emulator/fixtures/make-certs share/doc/iot-emulator/README.md \
  share/doc/iot-emulator/docs/aws/iot-core.md include/iotemu/embedded.hpp \
  lib/cmake/IotEmulator/IotEmulatorConfig.cmake lib/cmake/IotEmulator/IotEmulatorConfigVersion.cmake \
  lib/cmake/IotEmulator/IotEmulatorTargets.cmake lib/iot-emulator/libiotemu_embedded.a \
  share/iot-emulator/python/pytest_iot_emulator.py; do
  [[ -e $prefix/$file ]] || fail "the install lacks $file"
done
[[ -x $prefix/bin/iot-emulator ]] || fail "bin/iot-emulator is not executable"
[[ ! -e $prefix/share/iot-emulator/fixtures/fuzz ]] || fail "the fuzz corpora were installed"

# The installed binary, with the source and build trees out of its sight when possible.
installed=$prefix/bin/iot-emulator
hidden=()
if [[ $(id -u) -eq 0 ]] && unshare -m --propagation private true 2>/dev/null; then
  hidden=("$source_dir")
  [[ $build_dir == "$source_dir"/* ]] || hidden+=("$build_dir")
  echo "(the installed binary runs with an empty tmpfs over ${hidden[*]})"
else
  echo "(not root or no mount namespace: the source tree stays visible; the log must name the installed SDKs)"
fi
cat >"$WORK/installed-emulator" <<SCRIPT
#!/usr/bin/env bash
# exec all the way down: the emulator keeps this script's PID, so lib.sh's signals reach it.
if [[ -n "${hidden[*]}" ]]; then
  exec unshare -m --propagation private bash -c '
    for dir in ${hidden[*]}; do mount -t tmpfs none "\$dir" || exit 97; done
    [[ ! -e $source_dir/CMakeLists.txt ]] || exit 98
    exec "\$0" "\$@"' "$installed" "\$@"
fi
exec "$installed" "\$@"
SCRIPT
chmod +x "$WORK/installed-emulator"
IOTEMU_BIN=$WORK/installed-emulator
FIXTURES=$prefix/share/iot-emulator/fixtures
start_emulator
cd "$WORK"
grep -qF "nodejs handlers find the AWS SDKs in $prefix/share/iot-emulator/node_modules" \
  emulator.log || fail "the installed binary did not take the SDKs installed next to it"

# The blog's JITR flow (as jitr_lambda_blog_flow.test.sh), its handler from the installed fixtures.
register_jitr_ca sampleCACertificate /O=Fleet/CN=sampleCACertificate ec
function_arn=$(deploy_function jitr-blog nodejs18.x index.handler jitr_blog_nodejs --timeout 30)
iot create-topic-rule --rule-name JITRBlog --topic-rule-payload "$(cat <<JSON
{"sql": "SELECT * FROM '\$aws/events/certificates/registered/$CA_ID'",
 "awsIotSqlVersion": "2016-03-23", "actions": [{"lambda": {"functionArn": "$function_arn"}}]}
JSON
)"
make_signed deviceCert "/O=Fleet/CN=blog-device" sampleCACertificate ec
cat deviceCert.crt sampleCACertificate.pem >deviceCertAndCACert.crt
cert_id=$(certificate_id deviceCert.crt)
expect_dropped deviceCertAndCACert.crt deviceCert.key -q 1 -t foo/bar -i anyclientID
wait_for_status "$cert_id" ACTIVE 30
wait_for_line emulator.log "activated $cert_id" || fail "the handler's console.log is not in the log"
# The handler's policy lets the device publish under foo/bar/<certId>/ (QoS 1: PUBACK awaited).
mqtt_pub deviceCert.crt deviceCert.key -q 1 -i "$cert_id" -t "foo/bar/$cert_id/hello" \
  -m '{"hello":"world"}' || fail "the activated device could not publish"
grep -q "Cannot find module" emulator.log && fail "a handler missed its SDK"
stop_emulator

# A C++ test suite against the moved prefix: find_package(IotEmulator), IotEmulator::embedded.
cmake -S "$source_dir/tests/package" -B "$WORK/package-build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Debug >"$WORK/package-configure.log" 2>&1 ||
  fail "find_package(IotEmulator) failed: $(cat "$WORK/package-configure.log")"
cmake --build "$WORK/package-build" >"$WORK/package-build.log" 2>&1 ||
  fail "tests/package did not build: $(tail -30 "$WORK/package-build.log")"
"$WORK/package-build/embedded_jitr" "$source_dir/tests/package/jitr_flow.sh" >package.out 2>&1 ||
  fail "the embedded JITR flow failed: $(cat package.out)"
grep -q "^PASS embedded_jitr" package.out || fail "embedded_jitr did not pass: $(cat package.out)"

# The installed pytest plugin, with no binary named to it and none on PATH, starts the binary of
# its own install.
python=$(for candidate in python3 /usr/bin/python3; do
  "$candidate" -c 'import pytest, boto3' 2>/dev/null && { command -v "$candidate"; break; }
done)
[[ -n $python ]] || fail "no python3 with pytest and boto3 (scripts/setup --test)"
cat >test_installed_plugin.py <<'PY'
def test_the_installed_binary_serves(iot_emulator):
    iot = iot_emulator.client("iot")
    iot.create_thing(thingName="installed")
    assert [t["thingName"] for t in iot.list_things()["things"]] == ["installed"]
    assert iot_emulator.harness("health")["status"] == "ok"
PY
(unset IOTEMU_BIN; PATH=/usr/bin:/bin PYTHONPATH=$prefix/share/iot-emulator/python \
  "$python" -m pytest -p pytest_iot_emulator -p no:cacheprovider -q --basetemp "$WORK/pytest" \
  test_installed_plugin.py >pytest.txt 2>&1) || fail "the installed pytest plugin failed: $(cat pytest.txt)"
grep -Eq '^1 passed' pytest.txt || fail "the installed plugin's test did not pass: $(cat pytest.txt)"

# Installed without the SDKs (scripts/setup never ran npm): one warning when a nodejs function
# arrives.
rm -rf "$prefix/share/iot-emulator/node_modules"
: >emulator.log
DATA_DIR=$WORK/data-no-sdk start_emulator
deploy_function blog-1 nodejs18.x index.handler jitr_blog_nodejs >/dev/null
deploy_function blog-2 nodejs18.x index.handler jitr_blog_nodejs >/dev/null
expect_eq "$(grep -c 'will not find aws-sdk' emulator.log)" 1 "warnings about the missing SDKs"
grep -q "function blog-1 (nodejs18.x) will not find aws-sdk or @aws-sdk/client-iot" emulator.log ||
  fail "the warning does not name the function: $(grep -i warn emulator.log)"
stop_emulator

# The .deb: layout under /usr, and a Depends that names the package of every library the binary
# links. Not for a sanitized build: it links its sanitizers' runtimes, which no package of ours
# should depend on.
if [[ -n ${IOTEMU_SANITIZE:-} ]]; then
  echo "(a $IOTEMU_SANITIZE build: the .deb is not checked)"
  pass
  exit 0
fi
(cd "$build_dir" && cpack -G DEB -B "$WORK/deb" -D CPACK_COMPONENTS_ALL=runtime) >cpack.log 2>&1 ||
  fail "cpack failed: $(tail -20 cpack.log)"
deb=$(echo "$WORK"/deb/iot-emulator_*.deb)
[[ -f $deb ]] || fail "no iot-emulator_*.deb: $(ls "$WORK/deb")"
expect_eq "$(dpkg-deb -f "$deb" Package)" iot-emulator "the package's name"
dpkg-deb --contents "$deb" >contents.txt
for file in ./usr/bin/iot-emulator ./usr/share/iot-emulator/node_modules/aws-sdk/package.json \
  ./usr/share/iot-emulator/node_modules/@aws-sdk/client-iot/package.json \
  ./usr/share/iot-emulator/fixtures/handlers/jitr_blog_nodejs/index.js \
  ./usr/share/doc/iot-emulator/README.md; do
  grep -qF " $file" contents.txt || fail "the .deb lacks $file"
done
depends=$(dpkg-deb -f "$deb" Depends)
for package in python3 python3-boto3 nodejs; do
  [[ ", $depends," == *", $package,"* ]] || fail "Depends ($depends) lacks $package"
done
while read -r library; do
  owner=$(dpkg -S "$library" 2>/dev/null || dpkg -S "/usr$library" 2>/dev/null ||
    dpkg -S "$(realpath "$library")" 2>/dev/null || true)
  [[ -n $owner ]] || fail "no Debian package owns $library"
  owner=${owner%%:*}
  [[ ", $depends," == *", $owner,"* ]] || fail "Depends ($depends) lacks $owner, which ships $library"
done < <(ldd "$installed" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
pass
