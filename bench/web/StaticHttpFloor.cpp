// The floor of bench/web/measure.py: POCO's HTTP server, configured as mailgated's web server
// is (16 threads, keep-alive), answering fixed bodies from memory. What it costs to serve a
// request here with the same library, and nothing else: no auth, no store, no JSON.
// Usage: static_http_floor /path=file [/path=file ...]; prints the port it listens on
// (127.0.0.1, ephemeral), then serves until stdin closes.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

namespace {

using Bodies = std::map<std::string, std::string>;

class FixedBody : public Poco::Net::HTTPRequestHandler {
 public:
  explicit FixedBody(const Bodies& bodies) : bodies_(bodies) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    const std::string path = request.getURI().substr(0, request.getURI().find('?'));
    const auto it = bodies_.find(path);
    response.setStatus(it == bodies_.end() ? Poco::Net::HTTPResponse::HTTP_NOT_FOUND : Poco::Net::HTTPResponse::HTTP_OK);
    response.setContentType("application/json");
    const std::string& body = it == bodies_.end() ? empty_ : it->second;
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    response.send() << body;
  }

 private:
  const Bodies& bodies_;
  const std::string empty_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(const Bodies& bodies) : bodies_(bodies) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new FixedBody(bodies_);
  }

 private:
  const Bodies& bodies_;
};

}  // namespace

int main(int argc, char** argv) {
  Bodies bodies;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto eq = arg.find('=');
    if (eq == std::string::npos) {
      std::cerr << "usage: static_http_floor /path=file ...\n";
      return 2;
    }
    std::ifstream in(arg.substr(eq + 1), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    bodies[arg.substr(0, eq)] = content.str();
  }
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 64);
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(16);  // web::ApiServer::kMaxThreads
  params->setMaxQueued(256);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPServer server(new Factory(bodies), socket, params);
  server.start();
  std::cout << socket.address().port() << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  server.stop();
  return 0;
}
