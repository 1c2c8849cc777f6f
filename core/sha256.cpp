#include "core/sha256.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "core/error.h"
#include "core/parallel_for.h"

namespace margo {
namespace {

// Streaming SHA-256 through OpenSSL (which uses the CPU's SHA instructions
// where there are any: about 1.7 GB/s here, six times margo's own loop).
class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (!context_ || EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1) {
      throw Error(ErrorKind::kInternal, "OpenSSL: cannot start a SHA-256");
    }
  }
  void Update(const unsigned char* data, std::size_t n) { EVP_DigestUpdate(context_.get(), data, n); }
  void Update(const std::string& s) { Update(reinterpret_cast<const unsigned char*>(s.data()), s.size()); }

  std::string HexDigest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(context_.get(), digest, &length);
    std::string hex;
    char buf[3];
    for (unsigned int i = 0; i < length; ++i) {
      std::snprintf(buf, sizeof buf, "%02x", digest[i]);
      hex += buf;
    }
    return hex;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> context_;
};

void HashFile(const std::filesystem::path& path, Sha256& hash, const std::atomic<bool>* cancel) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buffer(1 << 20);
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
    // Opening a FIFO blocks until a writer comes: the loader refuses such
    // an input, and this (background) hash must not hang the run meanwhile.
    if (fs::exists(path) && !fs::is_regular_file(path)) {
      throw Error(ErrorKind::kInputUnreadable, path + ": not a regular file or folder; cannot hash it");
    }
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
  if (ThreadBudget() < 2) return;  // hashed in Of(), one at a time
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
  if (worker_.valid()) worker_.wait();
}

std::string BackgroundSha256::Of(const std::string& path) {
  const auto it = std::find(paths_.begin(), paths_.end(), path);
  if (it == paths_.end() || hashes_.empty()) return Sha256OfPath(path);
  return hashes_[std::size_t(it - paths_.begin())].get();
}

}  // namespace margo
