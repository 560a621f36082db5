// The parts of OpenSSL's libcrypto used to read PKCS#12 files.
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509.h>
#include <openssl/bio.h>
