#include "crypto/SecretBox.h"

#include "crypto/Encoding.h"

#include <gtest/gtest.h>

namespace mg::crypto {
namespace {

SecretBox boxWithKeyByte(char fill) { return SecretBox(DeviceKey::fromBytes(std::string(32, fill)).value()); }

// Decodes a blob, flips one bit at `offset` of the raw bytes, re-encodes it.
std::string flipRawByte(const std::string& blob, size_t offset) {
  std::string raw = base64Decode(blob.substr(SecretBox::kPrefix.size())).value();
  raw.at(offset) = static_cast<char>(raw.at(offset) ^ 0x01);
  return std::string(SecretBox::kPrefix) + base64Encode(raw);
}

TEST(SecretBoxTest, RoundTrips) {
  const SecretBox box = boxWithKeyByte('a');
  for (const std::string& secret : {std::string(), std::string("hunter2"), std::string(1000, '\0'),
                                   std::string("p\xc3\xa4ss w\xf0\x9f\x94\x91rd")}) {
    auto opened = box.open(box.seal(secret, "account:1"), "account:1");
    ASSERT_TRUE(opened) << opened.errorMessage();
    EXPECT_EQ(*opened, secret);
  }
}

TEST(SecretBoxTest, BlobIsVersionedTextWithoutThePlaintext) {
  const SecretBox box = boxWithKeyByte('a');
  const std::string blob = box.seal("hunter2", "ad");
  EXPECT_EQ(blob.rfind("v1:", 0), 0u);
  EXPECT_TRUE(SecretBox::looksSealed(blob));
  EXPECT_FALSE(SecretBox::looksSealed("hunter2"));
  EXPECT_EQ(blob.find("hunter2"), std::string::npos);
  const auto raw = base64Decode(blob.substr(3));
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->size(), SecretBox::kNonceSize + 7 + SecretBox::kTagSize);
}

TEST(SecretBoxTest, FreshNonceEverySeal) {
  const SecretBox box = boxWithKeyByte('a');
  const std::string a = box.seal("same", "ad");
  const std::string b = box.seal("same", "ad");
  EXPECT_NE(a, b);
  EXPECT_NE(base64Decode(a.substr(3))->substr(0, 12), base64Decode(b.substr(3))->substr(0, 12));
}

TEST(SecretBoxTest, DetectsTamperingInNonceCiphertextAndTag) {
  const SecretBox box = boxWithKeyByte('a');
  const std::string blob = box.seal("hunter2", "ad");
  const size_t nonce = 0, ciphertext = SecretBox::kNonceSize + 3, tag = SecretBox::kNonceSize + 7 + 5;
  for (size_t offset : {nonce, size_t{11}, ciphertext, tag, SecretBox::kNonceSize + 7 + 15}) {
    auto opened = box.open(flipRawByte(blob, offset), "ad");
    ASSERT_FALSE(opened) << "offset " << offset;
    EXPECT_NE(opened.errorMessage().find("authentication failed"), std::string::npos);
    EXPECT_EQ(opened.errorMessage().find("hunter2"), std::string::npos);
  }
}

TEST(SecretBoxTest, RejectsWrongAssociatedData) {
  const SecretBox box = boxWithKeyByte('a');
  EXPECT_FALSE(box.open(box.seal("hunter2", "account:1"), "account:2"));
  EXPECT_FALSE(box.open(box.seal("hunter2", "account:1"), ""));
}

TEST(SecretBoxTest, RejectsWrongKey) {
  const std::string blob = boxWithKeyByte('a').seal("hunter2", "ad");
  auto opened = boxWithKeyByte('b').open(blob, "ad");
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.errorMessage().find("wrong device key"), std::string::npos);
}

TEST(SecretBoxTest, RejectsMalformedBlobs) {
  const SecretBox box = boxWithKeyByte('a');
  const std::string blob = box.seal("hunter2", "ad");
  EXPECT_FALSE(box.open("", "ad"));
  EXPECT_FALSE(box.open("hunter2", "ad"));
  EXPECT_FALSE(box.open("v2:" + blob.substr(3), "ad"));
  EXPECT_FALSE(box.open("v1:!!!!", "ad"));
  EXPECT_FALSE(box.open("v1:" + base64Encode(std::string(27, 'x')), "ad"));  // shorter than nonce + tag
  EXPECT_FALSE(box.open(blob.substr(0, blob.size() - 4), "ad"));            // truncated
  EXPECT_FALSE(box.open("v1:" + std::string(200000, 'A'), "ad"));           // over the size bound
}

TEST(SecretBoxTest, RefusesToSealOversizedSecret) {
  const SecretBox box = boxWithKeyByte('a');
  EXPECT_THROW((void)box.seal(std::string(SecretBox::kMaxPlaintextSize + 1, 'x'), "ad"), std::invalid_argument);
}

}  // namespace
}  // namespace mg::crypto
