#include "imap/detail/CurrentError.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>

#include <exception>

#include "common/Text.h"

namespace mg::imap::detail {

std::string currentError(std::chrono::milliseconds timeout) {
  try {
    throw;
  } catch (const Poco::TimeoutException&) {
    return "timed out after " + std::to_string(timeout.count()) + " ms";
  } catch (const Poco::Net::SSLException& e) {
    return "TLS: " + common::sanitize(e.displayText(), 200);
  } catch (const Poco::Net::ConnectionRefusedException&) {
    return "connection refused";
  } catch (const Poco::Exception& e) {
    return common::sanitize(e.displayText(), 200);
  } catch (const std::exception& e) {
    return common::sanitize(e.what(), 200);
  } catch (...) {
    return "unknown error";
  }
}

}  // namespace mg::imap::detail
