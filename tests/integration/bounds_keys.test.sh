#!/usr/bin/env bash
# Keys AWS IoT does not take (docs/limits.md §7): device certificates and CSRs with RSA-1024, DSA,
# Ed25519 and secp256k1 keys, made with openssl, are refused by RegisterCertificate,
# RegisterCertificateWithoutCA and CreateCertificateFromCsr with AWS's errors, and a JITR device
# with such a certificate is dropped without being registered. RSA-2048 and P-384 pass.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"
register_jitr_ca fleet-ca

new_key() {  # new_key NAME ALGORITHM: NAME.key
  case $2 in
    rsa1024) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$1.key" ;;
    rsa2048) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" ;;
    dsa) openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out dsa.params &&
      openssl genpkey -paramfile dsa.params -out "$1.key" ;;
    ed25519) openssl genpkey -algorithm ED25519 -out "$1.key" ;;
    secp256k1) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 -out "$1.key" ;;
    p384) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1.key" ;;
  esac 2>/dev/null
}

for algorithm in rsa1024 dsa ed25519 secp256k1 rsa2048 p384; do
  new_key "$algorithm" "$algorithm" || fail "openssl could not make a $algorithm key"
  openssl req -new -key "$algorithm.key" -subj "/CN=device-$algorithm" -out "$algorithm.csr" 2>/dev/null
  openssl x509 -req -in "$algorithm.csr" -CA fleet-ca.pem -CAkey fleet-ca.key -CAcreateserial \
    -days 30 -sha256 -out "$algorithm.crt" 2>/dev/null || fail "openssl could not sign $algorithm"
  case $algorithm in
    rsa2048 | p384)
      iot register-certificate --certificate-pem "file://$algorithm.crt" >/dev/null ||
        fail "$algorithm was refused"
      iot create-certificate-from-csr --certificate-signing-request "file://$algorithm.csr" \
        >/dev/null || fail "a $algorithm CSR was refused"
      ;;
    *)
      expect_aws_error CertificateValidationException iot register-certificate \
        --certificate-pem "file://$algorithm.crt"
      expect_aws_error CertificateValidationException iot register-certificate-without-ca \
        --certificate-pem "file://$algorithm.crt"
      expect_aws_error InvalidRequestException iot create-certificate-from-csr \
        --certificate-signing-request "file://$algorithm.csr"
      ;;
  esac
done

# JITR: an Ed25519 device (TLS 1.3 can sign with it) signed by the auto-registering CA is dropped
# and never registered.
expect_dropped ed25519.crt ed25519.key -i weak-device -t t
id=$(certificate_id ed25519.crt)
! iot describe-certificate --certificate-id "$id" >/dev/null 2>&1 ||
  fail "the Ed25519 device was registered"
grep -q "key is not supported: ED25519" emulator.log || fail "the refusal is not logged"
pass
