using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Flotilla.LoadBalancer.Tests.Support;

/// <summary>A client of the load balancer, with reads bounded in time and named by phase.</summary>
internal sealed class TestClient : IDisposable
{
    private readonly Socket _socket;

    private TestClient(Socket socket) => _socket = socket;

    public static async Task<TestClient> ConnectAsync(IPEndPoint endPoint, string phase)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endPoint).Within(phase);
            return new TestClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connects to a <see cref="BackendBehavior.GreetThenEcho"/> backend through the load balancer and returns
    /// the client and the name of the backend that answered.</summary>
    public static async Task<(TestClient Client, string Backend)> ConnectAndGreetAsync(IPEndPoint endPoint, string phase)
    {
        var client = await ConnectAsync(endPoint, phase);
        try
        {
            return (client, await client.ReadLineAsync(phase));
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Connects, learns the backend's name and disconnects.</summary>
    public static async Task<string> GreetAsync(IPEndPoint endPoint, string phase)
    {
        var (client, backend) = await ConnectAndGreetAsync(endPoint, phase);
        client.Dispose();
        return backend;
    }

    public async Task<string> ReadLineAsync(string phase)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            var read = await _socket.ReceiveAsync(one).Within(phase);
            if (read == 0)
            {
                throw new InvalidOperationException($"{phase}: the connection ended before a full line; got \"{line}\"");
            }
            if (one[0] == '\n')
            {
                return line.ToString();
            }
            line.Append((char)one[0]);
        }
    }

    /// <summary>Sends <paramref name="text"/> and reads the same number of bytes back (from an echoing backend).</summary>
    public async Task<string> EchoAsync(string text, string phase)
    {
        await SendAsync(Encoding.ASCII.GetBytes(text), phase);
        var buffer = new byte[text.Length];
        await ReadExactlyAsync(buffer, phase);
        return Encoding.ASCII.GetString(buffer);
    }

    public async Task SendAsync(ReadOnlyMemory<byte> data, string phase)
    {
        while (!data.IsEmpty)
        {
            var sent = await _socket.SendAsync(data).Within(phase);
            data = data[sent..];
        }
    }

    public async Task ReadExactlyAsync(Memory<byte> buffer, string phase)
    {
        while (!buffer.IsEmpty)
        {
            var read = await _socket.ReceiveAsync(buffer).Within(phase);
            if (read == 0)
            {
                throw new InvalidOperationException($"{phase}: the connection ended with {buffer.Length} byte(s) still expected");
            }
            buffer = buffer[read..];
        }
    }

    public async Task<string> ReadToEndAsync(string phase)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await _socket.ReceiveAsync(buffer).Within(phase)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        return text.ToString();
    }

    /// <summary>Waits until the load balancer has closed the connection: a read ends (FIN) or fails (RST).</summary>
    public async Task AssertClosedAsync(string phase)
    {
        var buffer = new byte[4096];
        try
        {
            while (await _socket.ReceiveAsync(buffer).Within(phase) > 0)
            {
                // Data still in flight before the close; keep reading.
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            // Closed abortively: what the drain timeout does.
        }
    }

    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    public void Dispose() => _socket.Dispose();
}
