#include "relay/oidc/rsa_key.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "common/crypto/openssl_helpers.h"
#include "relay/oidc/base64url.h"

namespace ccc::relay::oidc {
namespace {

using crypto::BnPtr;
using crypto::OpensslDeleter;
using crypto::PkeyCtxPtr;
using crypto::PkeyPtr;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, OpensslDeleter<OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, OpensslDeleter<OSSL_PARAM_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpensslDeleter<EVP_MD_CTX_free>>;

BnPtr BigNumber(const std::string& bytes) {
  return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                         static_cast<int>(bytes.size()), nullptr));
}

}  // namespace

struct RsaPublicKey::Key {
  PkeyPtr pkey;
  int bits = 0;
};

RsaPublicKey::RsaPublicKey(std::shared_ptr<const Key> key) : key_(std::move(key)) {}

Result<RsaPublicKey> RsaPublicKey::FromJwk(std::string_view n, std::string_view e) {
  auto modulus = Base64UrlDecode(n);
  auto exponent = Base64UrlDecode(e);
  if (!modulus || !exponent || modulus->empty() || exponent->empty()) {
    return InvalidArgument("RSA key members n/e are not valid base64url");
  }
  // A leading zero byte would make the stated size lie; JWA requires the minimal encoding.
  if ((*modulus)[0] == '\0' || (*exponent)[0] == '\0') {
    return InvalidArgument("RSA key members n/e have leading zero bytes");
  }
  int bits = static_cast<int>(modulus->size() * 8);
  if (bits < kMinRsaBits || bits > kMaxRsaBits + 7) {
    return InvalidArgument("RSA modulus has " + std::to_string(bits) + " bits; accepted are " +
                           std::to_string(kMinRsaBits) + " to " + std::to_string(kMaxRsaBits));
  }
  if (exponent->size() > 8) return InvalidArgument("RSA exponent is too large");
  BnPtr n_bn = BigNumber(*modulus);
  BnPtr e_bn = BigNumber(*exponent);
  if (!n_bn || !e_bn) return Internal("BN_bin2bn: " + crypto::OpensslErrorText());
  bits = BN_num_bits(n_bn.get());
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    return InvalidArgument("RSA modulus has " + std::to_string(bits) + " bits; accepted are " +
                           std::to_string(kMinRsaBits) + " to " + std::to_string(kMaxRsaBits));
  }
  if (!BN_is_odd(e_bn.get()) || BN_is_one(e_bn.get())) {
    return InvalidArgument("RSA exponent is not a valid public exponent");
  }

  ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n_bn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e_bn.get()) != 1) {
    return Internal("OSSL_PARAM_BLD: " + crypto::OpensslErrorText());
  }
  ParamsPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
    return Internal("EVP_PKEY_fromdata_init: " + crypto::OpensslErrorText());
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return InvalidArgument("not a valid RSA public key: " + crypto::OpensslErrorText());
  }
  auto key = std::make_shared<Key>();
  key->pkey.reset(raw);
  key->bits = bits;
  return RsaPublicKey(std::move(key));
}

bool RsaPublicKey::VerifyRs256(std::string_view signed_data, std::string_view signature) const {
  MdCtxPtr md(EVP_MD_CTX_new());
  if (!md) return false;
  // PKCS#1 v1.5 padding is the default for RSA keys; RS256 requires exactly that.
  if (EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key_->pkey.get()) != 1) {
    crypto::OpensslErrorText();
    return false;
  }
  int result = EVP_DigestVerify(
      md.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(signed_data.data()), signed_data.size());
  if (result != 1) crypto::OpensslErrorText();  // clears the queue for the next caller
  return result == 1;
}

int RsaPublicKey::bits() const { return key_->bits; }

}  // namespace ccc::relay::oidc
