// What every TCP listener (the node's protocol, metrics and HTTP ports; a
// witness's HTTP port) shares: resolving "HOST:PORT", opening the acceptor,
// and the accept loop, which gives each accepted connection a strand of
// its own on `io` and TCP_NODELAY, and hands it to `take`, which owns it
// from then on.
#pragma once

#include <functional>
#include <utility>

#include <boost/asio.hpp>
#include <string>

#include "ledger/status.h"

namespace creg {

// The endpoint of "HOST:PORT" (net/address.h), HOST numeric or a name.
// InvalidArgument if it is malformed or does not resolve.
StatusOr<boost::asio::ip::tcp::endpoint> ResolveAddress(boost::asio::io_context& io,
                                                        const std::string& text);

// An acceptor listening on `endpoint` (SO_REUSEADDR), on a strand of its
// own: its accept loop and the close at shutdown run on different io
// threads otherwise, and an acceptor is not safe for concurrent use.
// Unavailable naming the endpoint if it cannot listen there.
StatusOr<boost::asio::ip::tcp::acceptor> Listen(boost::asio::io_context& io,
                                                const boost::asio::ip::tcp::endpoint& endpoint);

// Accepts on `acceptor` until it is closed (close it on its executor to
// stop), then returns. A failed accept while it is open (out of file
// descriptors, say) pauses 50 ms and goes on, so that the listener keeps
// serving once the cause is gone.
boost::asio::awaitable<void> AcceptConnections(
    boost::asio::io_context& io, boost::asio::ip::tcp::acceptor& acceptor,
    std::function<void(boost::asio::ip::tcp::socket)> take);

}  // namespace creg
