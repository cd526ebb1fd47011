using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Flotilla.Client.Config;

namespace Flotilla.Member.Membership;

/// <summary>
/// GET <c>/readyz</c> on the member API server with the member client's connection (its CA, client certificate and
/// token): healthy on a 2xx answer (placement spec §8.2 step 3).
/// </summary>
/// <remarks>
/// Builds its own HTTP handler because the REST client exposes no raw GET; it trusts exactly what the connection
/// trusts.
/// </remarks>
internal sealed class ReadyzHealthProbe : IClusterHealthProbe, IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ClusterConnection _connection;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    public ReadyzHealthProbe(ClusterConnection connection, TimeProvider time)
    {
        _connection = connection;
        _time = time;
        var handler = new SocketsHttpHandler { ConnectTimeout = Timeout, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
        if (connection.Server.Scheme == Uri.UriSchemeHttps)
        {
            handler.SslOptions = TlsOptions(connection);
        }
        _http = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_connection.Server, Path()));
        if (await TokenAsync(linked.Token).ConfigureAwait(false) is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        try
        {
            using var response = await _http.SendAsync(request, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
                throw new HttpRequestException($"GET /readyz on the member cluster answered {(int)response.StatusCode}: {body.Trim()}");
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"GET /readyz on the member cluster did not answer within {Timeout.TotalSeconds:0}s");
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Keeps a path prefix of the server URL (some proxies serve the API under one).</summary>
    private string Path() => _connection.Server.AbsolutePath.TrimEnd('/') + "/readyz";

    private async Task<string?> TokenAsync(CancellationToken cancellationToken) =>
        _connection.Token ?? (_connection.TokenFile is { } file ? (await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false)).Trim() : null);

    private static SslClientAuthenticationOptions TlsOptions(ClusterConnection connection)
    {
        var options = new SslClientAuthenticationOptions();
        if (connection.InsecureSkipTlsVerify)
        {
#pragma warning disable CA5359 // The connection asks for exactly this (insecure-skip-tls-verify).
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (connection.CertificateAuthorities is { Count: > 0 } authorities)
        {
            options.RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedBy(authorities, certificate, errors);
        }
        if (connection.ClientCertificate is { } client)
        {
            options.ClientCertificates = [client];
        }
        return options;
    }

    /// <summary>The chain must end at one of the connection's CAs (system roots are not consulted); the name must match.</summary>
    private static bool TrustedBy(X509Certificate2Collection authorities, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
