// The accept loop the node's TCP listeners share (the protocol port and the
// HTTP port): each accepted connection gets a strand of its own on `io` and
// TCP_NODELAY, and is handed to `take`, which owns it from then on.
#pragma once

#include <functional>
#include <utility>

#include <boost/asio.hpp>

namespace creg {

// Accepts on `acceptor` until it is closed (close it on its executor to
// stop), then returns. A failed accept while it is open (out of file
// descriptors, say) pauses 50 ms and goes on, so that the listener keeps
// serving once the cause is gone.
boost::asio::awaitable<void> AcceptConnections(
    boost::asio::io_context& io, boost::asio::ip::tcp::acceptor& acceptor,
    std::function<void(boost::asio::ip::tcp::socket)> take);

}  // namespace creg
