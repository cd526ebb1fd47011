using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Flotilla.Client.Config;

namespace Flotilla.Client.Http;

/// <summary>
/// One <see cref="SocketsHttpHandler"/> (one connection pool) per server and TLS identity, shared by every client
/// of that server in the process, so that informers and writers multiplex over the same HTTP/2 connections. The
/// handlers live as long as the process, as IHttpClientFactory's primary handlers do; bearer tokens are per
/// request, not per handler, so clients with different tokens still share the pool.
/// </summary>
internal static class SharedHandlers
{
    private static readonly ConcurrentDictionary<Key, SocketsHttpHandler> Handlers = new();

    public static SocketsHttpHandler For(ClusterConnection connection) =>
        Handlers.GetOrAdd(Key.Of(connection), static (_, c) => Create(c), connection);

    private static SocketsHttpHandler Create(ClusterConnection connection)
    {
        var handler = new SocketsHttpHandler
        {
            // Watches hold streams open for minutes; more than one connection keeps them from starving requests.
            EnableMultipleHttp2Connections = true,
            // client-go pings idle HTTP/2 connections (ReadIdleTimeout 30s, PingTimeout 15s) so that a dead
            // connection under a watch is noticed instead of hanging forever.
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(15),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            AutomaticDecompression = connection.DisableCompression ? DecompressionMethods.None : DecompressionMethods.GZip,
            AllowAutoRedirect = false,
        };
        if (connection.Server.Scheme == Uri.UriSchemeHttps)
        {
            handler.SslOptions = TlsOptions(connection);
        }
        return handler;
    }

    private static SslClientAuthenticationOptions TlsOptions(ClusterConnection connection)
    {
        var options = new SslClientAuthenticationOptions();
        if (connection.InsecureSkipTlsVerify)
        {
#pragma warning disable CA5359 // The user asked for exactly this with insecure-skip-tls-verify.
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (connection.CertificateAuthorities is { Count: > 0 } authorities)
        {
            options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => TrustedBy(authorities, certificate, chain, errors);
        }
        if (connection.ClientCertificate is { } client)
        {
            options.ClientCertificates = [client];
            // Present the certificate whatever CA names the server lists: kube-apiserver's client-CA list may not
            // name the issuer directly (intermediates), and the server decides anyway.
            options.LocalCertificateSelectionCallback = (_, _, _, _, _) => client;
        }
        return options;
    }

    /// <summary>
    /// Custom root trust: the chain must end at one of the configured CAs, and system roots are not consulted, as
    /// with client-go's <c>RootCAs</c>. The host name must still match the certificate.
    /// </summary>
    private static bool TrustedBy(X509Certificate2Collection authorities, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            // Intermediates the server sent.
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
            chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
        }
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    /// <summary>What makes two connections share a pool: the endpoint and everything that shapes the TLS session.</summary>
    private readonly record struct Key(string Endpoint, bool Insecure, string Authorities, string? ClientCertificate, bool DisableCompression)
    {
        public static Key Of(ClusterConnection c) => new(
            c.Server.GetLeftPart(UriPartial.Authority).ToLowerInvariant(),
            c.InsecureSkipTlsVerify,
            c.CertificateAuthorities is { } cas ? string.Join(",", cas.Select(ca => ca.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)).Order(StringComparer.Ordinal)) : "",
            c.ClientCertificate?.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256),
            c.DisableCompression);
    }
}
