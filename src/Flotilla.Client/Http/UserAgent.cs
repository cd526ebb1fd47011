using System.Reflection;
using System.Runtime.InteropServices;

namespace Flotilla.Client.Http;

/// <summary>The default User-Agent, <c>flotilla/&lt;version&gt; (&lt;os&gt;/&lt;arch&gt;)</c> in Go's naming, like kubectl's.</summary>
internal static class UserAgent
{
    public static readonly string Default = Build();

    private static string Build()
    {
        var informational = typeof(UserAgent).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? informational : informational[..plus];
        var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : "unknown";
        var arch = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "amd64",
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "386",
            Architecture.Arm => "arm",
            var other => other.ToString().ToLowerInvariant(),
        };
        return $"flotilla/{version} ({os}/{arch})";
    }
}
