#include "common/crypto/openssl_helpers.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>

namespace ccc::crypto {
namespace {

TEST(OpensslHelpers, MemoryBioReadsBackWhatItWasGiven) {
  BioPtr in = MemoryBio("hello");
  char buffer[8] = {};
  ASSERT_EQ(BIO_read(in.get(), buffer, sizeof buffer), 5);
  EXPECT_EQ(std::string(buffer, 5), "hello");
}

TEST(OpensslHelpers, BioContentsReturnsWhatWasWritten) {
  BioPtr out(BIO_new(BIO_s_mem()));
  ASSERT_EQ(BIO_write(out.get(), "abc", 3), 3);
  EXPECT_EQ(BioContents(out.get()), "abc");
  BioPtr empty(BIO_new(BIO_s_mem()));
  EXPECT_EQ(BioContents(empty.get()), "");
}

TEST(OpensslHelpers, ErrorTextNamesTheFailureAndClearsTheQueue) {
  BioPtr garbage = MemoryBio("not a certificate");
  X509Ptr cert(PEM_read_bio_X509(garbage.get(), nullptr, nullptr, nullptr));
  ASSERT_EQ(cert, nullptr);
  EXPECT_NE(OpensslErrorText(), "no OpenSSL error");
  EXPECT_EQ(ERR_peek_error(), 0u);
  EXPECT_EQ(OpensslErrorText(), "no OpenSSL error");
}

}  // namespace
}  // namespace ccc::crypto
