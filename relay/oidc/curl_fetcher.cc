#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <mutex>

#include "relay/oidc/http_fetcher.h"

namespace ccc::relay::oidc {
namespace {

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

struct Sink {
  std::string body;
  std::size_t limit = 0;
  bool too_large = false;
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t bytes = size * count;
  if (sink->body.size() + bytes > sink->limit) {
    sink->too_large = true;
    return 0;  // makes curl abort the transfer with CURLE_WRITE_ERROR
  }
  sink->body.append(data, bytes);
  return bytes;
}

// Adds the configured CA file to the certificates OpenSSL already trusts (the system
// bundle curl loaded), instead of replacing them as CURLOPT_CAINFO would.
CURLcode AddExtraCa(CURL*, void* ssl_ctx, void* user) {
  const auto* ca_file = static_cast<const std::string*>(user);
  X509_STORE* store = SSL_CTX_get_cert_store(static_cast<SSL_CTX*>(ssl_ctx));
  if (X509_STORE_load_file(store, ca_file->c_str()) != 1) return CURLE_SSL_CACERT_BADFILE;
  return CURLE_OK;
}

class CurlFetcher : public HttpFetcher {
 public:
  explicit CurlFetcher(CurlFetcherOptions options) : options_(std::move(options)) {
    GlobalInitOnce();
  }

  Result<HttpReply> Get(const std::string& url) override { return Perform(url, nullptr); }

  Result<HttpReply> PostForm(const FormPost& post) override { return Perform(post.url, &post); }

 private:
  Result<HttpReply> Perform(const std::string& url, const FormPost* post) {
    CurlPtr curl(curl_easy_init());
    if (!curl) return Internal("curl_easy_init failed");
    CURL* c = curl.get();
    Sink sink{.body = {}, .limit = options_.max_body_bytes, .too_large = false};
    char error_text[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(options_.max_body_bytes));
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, WriteBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_text);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "ccc-relay");
    // A proxy from the environment must not see loopback traffic (tests, local providers).
    curl_easy_setopt(c, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
    if (!options_.ca_file.empty()) {
      curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, AddExtraCa);
      curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, &options_.ca_file);
    }
    SlistPtr headers(curl_slist_append(nullptr, "Accept: application/json"));
    std::string form;
    if (post != nullptr) {
      form = FormEncode(post->fields);
      curl_easy_setopt(c, CURLOPT_POST, 1L);
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, form.c_str());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(form.size()));
      headers.reset(
          curl_slist_append(headers.release(), "Content-Type: application/x-www-form-urlencoded"));
      if (!post->basic_user.empty()) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, post->basic_user.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, post->basic_password.c_str());
      }
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

    CURLcode code = curl_easy_perform(c);
    if (sink.too_large || code == CURLE_FILESIZE_EXCEEDED) {
      return TooLarge("reply from " + url + " exceeds " + std::to_string(options_.max_body_bytes) +
                      " bytes");
    }
    if (code != CURLE_OK) {
      std::string text = error_text[0] != '\0' ? error_text : curl_easy_strerror(code);
      return Unavailable("request to " + url + " failed: " + text);
    }
    HttpReply reply;
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    reply.status = static_cast<int>(status);
    char* content_type = nullptr;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &content_type);
    if (content_type != nullptr) reply.content_type = content_type;
    reply.body = std::move(sink.body);
    return reply;
  }

  CurlFetcherOptions options_;
};

}  // namespace

std::unique_ptr<HttpFetcher> NewCurlFetcher(CurlFetcherOptions options) {
  return std::make_unique<CurlFetcher>(std::move(options));
}

}  // namespace ccc::relay::oidc
