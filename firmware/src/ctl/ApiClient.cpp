#include "ctl/ApiClient.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <sstream>

namespace mg::ctl {
namespace {

// A release waits for the upstream relay (or IMAP server) to answer, so reads get long;
// connecting to loopback that takes seconds means nothing is listening properly.
const Poco::Timespan kConnectTimeout(5, 0);
const Poco::Timespan kSendTimeout(30, 0);
const Poco::Timespan kReceiveTimeout(180, 0);

void initializeSslOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    Poco::Net::initializeSSL();
    // Without a handler POCO may fall back to a console handler that asks the user whether
    // to accept a bad certificate; the CLI must refuse instead, every time.
    Poco::SharedPtr<Poco::Net::InvalidCertificateHandler> reject = new Poco::Net::RejectCertificateHandler(false);
    Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, nullptr);
  });
}

Poco::Net::Context::Ptr makeContext(const ApiEndpoint& ep) {
  Poco::Net::Context::Params params;
  params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
  params.loadDefaultCAs = ep.trustFile.empty();
  params.caLocation = ep.trustFile;
  Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  ctx->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  ctx->enableExtendedCertificateVerification(ep.verifyHostname);
  if (!ep.trustFile.empty()) {
    // The trusted file is the daemon's own certificate, not a CA: let OpenSSL accept it as
    // the anchor even when it is a leaf issued by someone else (web.tls = file).
    X509_STORE_set_flags(SSL_CTX_get_cert_store(ctx->sslContext()), X509_V_FLAG_PARTIAL_CHAIN);
  }
  return ctx;
}

std::string unreachable(const ApiEndpoint& ep, const std::string& reason) {
  return "cannot reach mailgated at " + ep.baseUrl() + " (" + reason +
         ") — is it running? see 'systemctl status mailgated'";
}

}  // namespace

struct ApiClient::Impl {
  Poco::Net::Context::Ptr context;
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
};

ApiClient::ApiClient(ApiEndpoint endpoint, std::string token)
    : endpoint_(std::move(endpoint)), token_(std::move(token)), impl_(std::make_unique<Impl>()) {}

ApiClient::~ApiClient() = default;

common::Result<ApiResponse> ApiClient::get(const std::string& target) { return send("GET", target, nullptr); }

common::Result<ApiResponse> ApiClient::post(const std::string& target, const std::string& jsonBody) {
  return send("POST", target, &jsonBody);
}

common::Result<ApiResponse> ApiClient::patch(const std::string& target, const std::string& jsonBody) {
  return send("PATCH", target, &jsonBody);
}

common::Result<ApiResponse> ApiClient::del(const std::string& target) { return send("DELETE", target, nullptr); }

common::Result<ApiResponse> ApiClient::send(const std::string& method, const std::string& target,
                                            const std::string* body) {
  using R = common::Result<ApiResponse>;
  const ApiEndpoint& ep = endpoint_;
  try {
    if (!impl_->session) {
      if (ep.scheme == "https") {
        initializeSslOnce();
        if (!impl_->context) {
          if (!ep.trustFile.empty() && ::access(ep.trustFile.c_str(), R_OK) != 0) {
            const std::string why = std::strerror(errno);
            return R::error("cannot read " + ep.trustFile + ", the certificate mailgated is trusted by (" + why +
                            (ep.verifyHostname
                                 ? ") — mailgated makes it at its first start with web.tls = self-signed: is it running?"
                                 : ") — check [web] tls_cert, or run as root"));
          }
          try {
            impl_->context = makeContext(ep);
          } catch (const Poco::Exception& e) {
            return R::error("cannot use " + (ep.trustFile.empty() ? std::string("the system CAs") : ep.trustFile) +
                            " to verify mailgated (" + e.displayText() +
                            ") — has mailgated started once with this [web] tls setting? or pass --url");
          }
        }
        impl_->session = std::make_unique<Poco::Net::HTTPSClientSession>(ep.host, ep.port, impl_->context);
      } else {
        impl_->session = std::make_unique<Poco::Net::HTTPClientSession>(ep.host, ep.port);
      }
      impl_->session->setTimeout(kConnectTimeout, kSendTimeout, kReceiveTimeout);
      impl_->session->setKeepAlive(true);
    }
    Poco::Net::HTTPRequest req(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Accept", "application/json");
    req.set("User-Agent", "mailgatectl");
    if (!token_.empty()) req.set("Authorization", "Bearer " + token_);
    if (body != nullptr) {
      req.setContentType("application/json");
      req.setContentLength(static_cast<std::streamsize>(body->size()));
      impl_->session->sendRequest(req) << *body;
    } else {
      impl_->session->sendRequest(req);
    }
    Poco::Net::HTTPResponse res;
    std::istream& in = impl_->session->receiveResponse(res);
    ApiResponse out;
    out.status = static_cast<int>(res.getStatus());
    out.contentType = res.getContentType();
    out.retryAfter = res.get("Retry-After", "");
    std::ostringstream text;
    Poco::StreamCopier::copyStream(in, text);
    out.body = text.str();
    return out;
  } catch (const Poco::Net::ConnectionRefusedException&) {
    impl_->session.reset();
    return R::error(unreachable(ep, "connection refused"));
  } catch (const Poco::TimeoutException&) {
    impl_->session.reset();
    return R::error(unreachable(ep, "timed out"));
  } catch (const Poco::Net::HostNotFoundException&) {
    impl_->session.reset();
    return R::error(unreachable(ep, "host not found"));
  } catch (const Poco::Net::SSLException& e) {
    impl_->session.reset();
    const std::string pinned = ep.trustFile.empty() ? "the system CAs" : ep.trustFile;
    return R::error("TLS with mailgated at " + ep.baseUrl() + " failed (" + e.message() +
                    ") — the daemon's certificate must be " + pinned + "; with web.tls = none use http://");
  } catch (const Poco::Exception& e) {
    impl_->session.reset();
    return R::error(unreachable(ep, e.displayText()));
  } catch (const std::exception& e) {
    impl_->session.reset();
    return R::error(unreachable(ep, e.what()));
  }
}

}  // namespace mg::ctl
