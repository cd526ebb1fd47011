using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Flotilla.ApiServer.Security;

/// <summary>
/// The server's TLS material, generated on first start and kept in the data directory: a self-signed CA
/// (<c>ca.crt</c>, <c>ca.key</c>) and a serving certificate it signed (<c>server.crt</c>, <c>server.key</c>) valid
/// for the listen address, 127.0.0.1, ::1 and localhost. Clients trust the CA through the kubeconfig's
/// <c>certificate-authority-data</c>.
/// </summary>
public sealed class CertificateAuthority
{
    private CertificateAuthority(X509Certificate2 ca, X509Certificate2 serving)
    {
        Certificate = ca;
        ServingCertificate = serving;
    }

    /// <summary>The CA certificate (public part only).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The serving certificate with its private key.</summary>
    public X509Certificate2 ServingCertificate { get; }

    /// <summary>The CA certificate as PEM, for kubeconfigs.</summary>
    public string CertificatePem => Certificate.ExportCertificatePem();

    /// <summary>Loads the material from <paramref name="directory"/>, creating what is missing or no longer covers <paramref name="address"/>.</summary>
    public static CertificateAuthority LoadOrCreate(string directory, string address, TimeProvider time)
    {
        Directory.CreateDirectory(directory);
        var caCert = Path.Combine(directory, "ca.crt");
        var caKey = Path.Combine(directory, "ca.key");
        var serverCert = Path.Combine(directory, "server.crt");
        var serverKey = Path.Combine(directory, "server.key");

        X509Certificate2 ca;
        if (File.Exists(caCert) && File.Exists(caKey))
        {
            ca = X509Certificate2.CreateFromPemFile(caCert, caKey);
        }
        else
        {
            ca = CreateCa(time);
            WritePrivate(caKey, ca.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(caCert, ca.ExportCertificatePem());
        }

        X509Certificate2? serving = null;
        if (File.Exists(serverCert) && File.Exists(serverKey))
        {
            serving = X509Certificate2.CreateFromPemFile(serverCert, serverKey);
            if (!Covers(serving, address) || serving.NotAfter < time.GetUtcNow().UtcDateTime.AddDays(30))
            {
                serving = null;
            }
        }
        if (serving is null)
        {
            serving = CreateServing(ca, address, time);
            WritePrivate(serverKey, serving.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(serverCert, serving.ExportCertificatePem());
        }
        // Kestrel on Linux needs an exportable key in an ephemeral collection; re-import from PKCS#12.
        var loaded = X509CertificateLoader.LoadPkcs12(serving.Export(X509ContentType.Pkcs12), null);
        return new CertificateAuthority(X509CertificateLoader.LoadCertificate(ca.RawData), loaded);
    }

    private static X509Certificate2 CreateCa(TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=flotilla-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
    }

    private static X509Certificate2 CreateServing(X509Certificate2 ca, string address, TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=flotilla-apiserver", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        if (IPAddress.TryParse(address, out var ip) && !ip.Equals(IPAddress.Loopback) && !ip.Equals(IPAddress.IPv6Loopback))
        {
            san.AddIpAddress(ip);
        }
        else if (!IPAddress.TryParse(address, out _) && address != "localhost")
        {
            san.AddDnsName(address);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = time.GetUtcNow();
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var signed = request.Create(ca, now.AddMinutes(-5), now.AddYears(2), serial);
        return signed.CopyWithPrivateKey(key);
    }

    private static bool Covers(X509Certificate2 certificate, string address)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                if (IPAddress.TryParse(address, out var ip))
                {
                    return san.EnumerateIPAddresses().Contains(ip);
                }
                return san.EnumerateDnsNames().Contains(address);
            }
        }
        return false;
    }

    private static void WritePrivate(string path, string contents)
    {
        File.WriteAllText(path, contents);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
