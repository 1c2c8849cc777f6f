#include "core/sha256.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/error.h"

namespace margo {
namespace {

constexpr std::array<std::uint32_t, 64> kRound = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

std::uint32_t Rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

// Streaming SHA-256 (FIPS 180-4).
class Sha256 {
 public:
  void Update(const unsigned char* data, std::size_t n) {
    length_ += n;
    for (std::size_t i = 0; i < n; ++i) {
      block_[fill_++] = data[i];
      if (fill_ == 64) Compress();
    }
  }
  void Update(const std::string& s) { Update(reinterpret_cast<const unsigned char*>(s.data()), s.size()); }

  std::string HexDigest() {
    const std::uint64_t bits = length_ * 8;
    const unsigned char one = 0x80, zero = 0;
    Update(&one, 1);
    while (fill_ != 56) Update(&zero, 1);
    for (int k = 7; k >= 0; --k) {
      const unsigned char b = static_cast<unsigned char>(bits >> (8 * k));
      Update(&b, 1);
    }
    std::string hex;
    char buf[9];
    for (std::uint32_t h : state_) {
      std::snprintf(buf, sizeof buf, "%08x", h);
      hex += buf;
    }
    return hex;
  }

 private:
  void Compress() {
    std::array<std::uint32_t, 64> w{};
    for (int t = 0; t < 16; ++t) {
      w[t] = std::uint32_t(block_[4 * t]) << 24 | std::uint32_t(block_[4 * t + 1]) << 16 |
             std::uint32_t(block_[4 * t + 2]) << 8 | std::uint32_t(block_[4 * t + 3]);
    }
    for (int t = 16; t < 64; ++t) {
      const std::uint32_t s0 = Rotr(w[t - 15], 7) ^ Rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
      const std::uint32_t s1 = Rotr(w[t - 2], 17) ^ Rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    std::array<std::uint32_t, 8> v = state_;
    for (int t = 0; t < 64; ++t) {
      const std::uint32_t s1 = Rotr(v[4], 6) ^ Rotr(v[4], 11) ^ Rotr(v[4], 25);
      const std::uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
      const std::uint32_t t1 = v[7] + s1 + ch + kRound[t] + w[t];
      const std::uint32_t s0 = Rotr(v[0], 2) ^ Rotr(v[0], 13) ^ Rotr(v[0], 22);
      const std::uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
      for (int k = 7; k > 0; --k) v[k] = v[k - 1];
      v[4] += t1;
      v[0] = t1 + s0 + maj;
    }
    for (int k = 0; k < 8; ++k) state_[k] += v[k];
    fill_ = 0;
  }

  std::array<std::uint32_t, 8> state_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::array<unsigned char, 64> block_{};
  std::size_t fill_ = 0;
  std::uint64_t length_ = 0;
};

void HashFile(const std::filesystem::path& path, Sha256& hash, const std::atomic<bool>* cancel) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buffer(1 << 16);
  while (in) {
    if (cancel != nullptr && cancel->load()) {
      throw Error(ErrorKind::kInternal, "SHA-256 of " + path.string() + " cancelled");
    }
    in.read(buffer.data(), std::streamsize(buffer.size()));
    hash.Update(reinterpret_cast<const unsigned char*>(buffer.data()), std::size_t(in.gcount()));
  }
  if (in.bad() || !in.eof()) {
    throw Error(ErrorKind::kInputUnreadable,
                "input " + path.string() + ": cannot read it to compute its SHA-256");
  }
}

}  // namespace

std::string Sha256Hex(const std::string& data) {
  Sha256 hash;
  hash.Update(data);
  return hash.HexDigest();
}

std::string Sha256OfPath(const std::string& path, const std::atomic<bool>* cancel) {
  namespace fs = std::filesystem;
  Sha256 hash;
  if (!fs::is_directory(path)) {
    HashFile(path, hash, cancel);
    return hash.HexDigest();
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(path)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    hash.Update(fs::relative(file, path).generic_string());
    hash.Update(std::string(1, '\0'));
    HashFile(file, hash, cancel);
  }
  return hash.HexDigest();
}

BackgroundSha256::BackgroundSha256(std::vector<std::string> paths)
    : paths_(std::move(paths)) {
  paths_.erase(std::remove(paths_.begin(), paths_.end(), std::string()), paths_.end());  // inputs not given
  promises_.resize(paths_.size());
  for (auto& p : promises_) hashes_.push_back(p.get_future().share());
  worker_ = std::async(std::launch::async, [this] {
    for (std::size_t i = 0; i < paths_.size(); ++i) {
      try {
        promises_[i].set_value(Sha256OfPath(paths_[i], &cancel_));
      } catch (...) {
        promises_[i].set_exception(std::current_exception());
      }
    }
  });
}

BackgroundSha256::~BackgroundSha256() {
  cancel_ = true;
  worker_.wait();
}

std::string BackgroundSha256::Of(const std::string& path) {
  const auto it = std::find(paths_.begin(), paths_.end(), path);
  if (it == paths_.end()) return Sha256OfPath(path);
  return hashes_[std::size_t(it - paths_.begin())].get();
}

}  // namespace margo
