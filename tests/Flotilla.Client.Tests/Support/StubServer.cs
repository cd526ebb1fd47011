using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;

namespace Flotilla.Client.Tests.Support;

/// <summary>What a stub server saw of one request.</summary>
internal sealed record SeenRequest(string Method, string PathAndQuery, string Protocol, IReadOnlyDictionary<string, string> Headers, string? ClientCertificateSubject, string Body);

/// <summary>
/// A tiny Kestrel server on a free loopback port, for behaviour the real API server cannot be made to show
/// (429s, 503s, dropped connections, client certificates). Records every request before answering it.
/// </summary>
internal sealed class StubServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StubServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    /// <summary>Starts a server; with a certificate it serves HTTPS (HTTP/1.1 and HTTP/2), optionally requiring client certificates.</summary>
    public static async Task<StubServer> StartAsync(Func<HttpContext, int, Task> handler, X509Certificate2? certificate = null, bool requireClientCertificate = false)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is null)
            {
                listen.Protocols = HttpProtocols.Http1;
                return;
            }
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(https =>
            {
                https.ServerCertificate = certificate;
                if (requireClientCertificate)
                {
                    https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                    https.AllowAnyClientCertificate();
                }
            });
        }));
        var app = builder.Build();
        StubServer? stub = null;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var request = context.Request;
            var seen = new SeenRequest(
                request.Method, request.Path + request.QueryString, request.Protocol,
                request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                context.Connection.ClientCertificate?.Subject, body);
            stub!.Requests.Enqueue(seen);
            await handler(context, stub.Requests.Count);
        });
        await app.StartAsync();
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        stub = new StubServer(app, new Uri($"{(certificate is null ? "http" : "https")}://127.0.0.1:{bound.Port}"));
        return stub;
    }

    /// <summary>Answers with a JSON body.</summary>
    public static async Task JsonAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    /// <summary>A Kubernetes Status body for an error.</summary>
    public static string Status(int code, string reason, string message) =>
        $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"{{message}}","reason":"{{reason}}","code":{{code}}}""";

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(timeout.Token);
        }
        await _app.DisposeAsync();
    }
}
