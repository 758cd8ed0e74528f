package io.github.pgpool.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.Set;

/**
 * A {@link Socket} that forwards every public method to another socket, so that {@link LinkSocket} can stand on a
 * socket it did not make itself: a {@link SocketChannel}'s {@linkplain SocketChannel#socket() adaptor}, whose class
 * cannot be extended. It has no socket implementation of its own ({@code super((SocketImpl) null)}): a method the
 * JDK adds later and this class does not forward fails loudly instead of acting on an unconnected socket.
 *
 * <p>{@link #getChannel()} says {@code null}, as for a socket made by a constructor: nobody above the pool (pgjdbc,
 * a TLS layer) may switch the channel's blocking mode behind the pool's back.
 *
 * <p>Not thread-safe beyond what the target socket is: used by one thread at a time, like {@link LinkSocket}.
 */
abstract class ForwardingSocket extends Socket {
    /** The socket everything goes to. */
    final Socket target;

    ForwardingSocket(Socket target) throws SocketException {
        super((SocketImpl) null);
        this.target = target;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        target.connect(endpoint, timeout);
    }

    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        target.bind(bindpoint);
    }

    @Override
    public InetAddress getInetAddress() {
        return target.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return target.getLocalAddress();
    }

    @Override
    public int getPort() {
        return target.getPort();
    }

    @Override
    public int getLocalPort() {
        return target.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return target.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return target.getLocalSocketAddress();
    }

    @Override
    public SocketChannel getChannel() {
        return null;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return target.getInputStream();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return target.getOutputStream();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        target.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return target.getTcpNoDelay();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        target.setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return target.getSoLinger();
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        target.sendUrgentData(data);
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        target.setOOBInline(on);
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        return target.getOOBInline();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        target.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return target.getSoTimeout();
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        target.setSendBufferSize(size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return target.getSendBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        target.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return target.getReceiveBufferSize();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        target.setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return target.getKeepAlive();
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        target.setTrafficClass(tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return target.getTrafficClass();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        target.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return target.getReuseAddress();
    }

    @Override
    public void close() throws IOException {
        target.close();
    }

    @Override
    public void shutdownInput() throws IOException {
        target.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        target.shutdownOutput();
    }

    @Override
    public String toString() {
        return target.toString();
    }

    @Override
    public boolean isConnected() {
        return target.isConnected();
    }

    @Override
    public boolean isBound() {
        return target.isBound();
    }

    @Override
    public boolean isClosed() {
        return target.isClosed();
    }

    @Override
    public boolean isInputShutdown() {
        return target.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return target.isOutputShutdown();
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        target.setPerformancePreferences(connectionTime, latency, bandwidth);
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
        target.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return target.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return target.supportedOptions();
    }
}
