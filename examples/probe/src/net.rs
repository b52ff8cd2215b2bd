//! net: loopback TCP (listen on an ephemeral port, connect, echo) and UDP (send, receive,
//! reply), with the addresses each side reports. Sockets get timeouts so a broken stack fails
//! instead of hanging.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::thread;
use std::time::Duration;

use crate::check::{failed, Outcome};

const TIMEOUT: Option<Duration> = Some(Duration::from_secs(10));
const MESSAGE: &[u8] = b"probe over loopback";

pub fn run() -> Outcome {
    let tcp_port = tcp_echo()?;
    let udp_port = udp_round_trip()?;
    Ok(format!(
        "TCP echo via 127.0.0.1:{tcp_port}, UDP send/recv/reply via 127.0.0.1:{udp_port}"
    ))
}

fn tcp_echo() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(failed("TCP bind"))?;
    let address = listener.local_addr().map_err(failed("TCP local_addr"))?;
    ensure!(address.port() != 0, "TCP listener on port 0");
    let server = thread::Builder::new()
        .spawn(move || echo_one_connection(&listener))
        .map_err(failed("spawn the TCP server thread"))?;
    let reply = tcp_client(address)?;
    let peer = server
        .join()
        .map_err(|_| "the TCP server thread panicked".to_owned())??;
    ensure!(
        reply == MESSAGE,
        "TCP echo returned {:?}",
        String::from_utf8_lossy(&reply)
    );
    ensure!(
        peer.ip().is_loopback(),
        "TCP server saw the client at {peer}"
    );
    Ok(address.port())
}

/// Accepts one connection, echoes everything until the client shuts down its side; returns the
/// client's address as the server saw it.
fn echo_one_connection(listener: &TcpListener) -> Result<SocketAddr, String> {
    let (mut stream, peer) = listener.accept().map_err(failed("TCP accept"))?;
    stream
        .set_read_timeout(TIMEOUT)
        .map_err(failed("TCP set_read_timeout"))?;
    let mut received = Vec::new();
    stream
        .read_to_end(&mut received)
        .map_err(failed("TCP server read"))?;
    stream
        .write_all(&received)
        .map_err(failed("TCP server write"))?;
    Ok(peer)
}

fn tcp_client(address: SocketAddr) -> Result<Vec<u8>, String> {
    let mut stream = TcpStream::connect(address).map_err(failed("TCP connect"))?;
    stream
        .set_read_timeout(TIMEOUT)
        .map_err(failed("TCP set_read_timeout"))?;
    let peer = stream.peer_addr().map_err(failed("TCP peer_addr"))?;
    ensure!(
        peer == address,
        "TCP client connected to {address} but peer_addr says {peer}"
    );
    stream
        .write_all(MESSAGE)
        .map_err(failed("TCP client write"))?;
    stream
        .shutdown(Shutdown::Write)
        .map_err(failed("TCP shutdown"))?;
    let mut reply = Vec::new();
    stream
        .read_to_end(&mut reply)
        .map_err(failed("TCP client read"))?;
    Ok(reply)
}

fn udp_round_trip() -> Result<u16, String> {
    let a = udp_socket()?;
    let b = udp_socket()?;
    let a_address = a.local_addr().map_err(failed("UDP local_addr"))?;
    let b_address = b.local_addr().map_err(failed("UDP local_addr"))?;
    a.send_to(MESSAGE, b_address)
        .map_err(failed("UDP send_to"))?;
    let (data, from) = udp_receive(&b)?;
    ensure!(
        data == MESSAGE && from == a_address,
        "UDP got {} bytes from {from}, expected {} from {a_address}",
        data.len(),
        MESSAGE.len()
    );
    b.send_to(&data, from).map_err(failed("UDP reply"))?;
    let (reply, from) = udp_receive(&a)?;
    ensure!(
        reply == MESSAGE && from == b_address,
        "UDP reply: {} bytes from {from}",
        reply.len()
    );
    Ok(b_address.port())
}

fn udp_socket() -> Result<UdpSocket, String> {
    let socket = UdpSocket::bind("127.0.0.1:0").map_err(failed("UDP bind"))?;
    socket
        .set_read_timeout(TIMEOUT)
        .map_err(failed("UDP set_read_timeout"))?;
    Ok(socket)
}

fn udp_receive(socket: &UdpSocket) -> Result<(Vec<u8>, SocketAddr), String> {
    let mut buffer = [0u8; 256];
    let (len, from) = socket
        .recv_from(&mut buffer)
        .map_err(failed("UDP recv_from"))?;
    Ok((buffer[..len].to_vec(), from))
}
