using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Controller.Tests.Api;

/// <summary>REST over HTTPS with a PEM certificate and key from configuration (Kestrel's own settings).</summary>
[TestFixture]
public sealed class RestHttpsTests
{
    [Test]
    public async Task Https_ServesTheApi_WithTheConfiguredCertificate_AndTokensStillApply()
    {
        var dir = Directory.CreateTempSubdirectory("ofc-https-").FullName;
        try
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
            await File.WriteAllTextAsync(Path.Combine(dir, "cert.pem"), cert.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(dir, "key.pem"), key.ExportPkcs8PrivateKeyPem());

            await using var app = ControllerHost.Build(
            [
                "--Rest:Urls=https://127.0.0.1:0",
                $"--Kestrel:Certificates:Default:Path={Path.Combine(dir, "cert.pem")}",
                $"--Kestrel:Certificates:Default:KeyPath={Path.Combine(dir, "key.pem")}",
                "--Rest:Token=https-write-token",
                $"--Store:Path={Path.Combine(dir, "c.db")}",
                "--Serilog:MinimumLevel:Default=Warning",
                "--OpenFlow:Address=127.0.0.1",
                "--OpenFlow:Port=0",
                "--Ovsdb:Listen=127.0.0.1:0",
            ]);
            await app.StartAsync();
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            X509Certificate2? seen = null;
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, c, _, _) =>
                {
                    seen = c is null ? null : new X509Certificate2(c);
                    return c is not null && c.Thumbprint == cert.Thumbprint;
                },
            };
            using var https = new HttpClient(handler) { BaseAddress = address };
            using var plain = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{address.Port}"), Timeout = TimeSpan.FromSeconds(5) };

            var health = await https.GetAsync("/healthz");
            var unauthenticated = await https.GetAsync("/api/v1/tenants");
            https.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "https-write-token");
            var authenticated = await https.GetAsync("/api/v1/tenants");

            using (Assert.EnterMultipleScope())
            {
                Assert.That(address.Scheme, Is.EqualTo("https"));
                Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(seen?.Thumbprint, Is.EqualTo(cert.Thumbprint), "the configured certificate is served");
                Assert.That(unauthenticated.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
                Assert.That(authenticated.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(async () => await plain.GetAsync("/healthz"), Throws.InstanceOf<HttpRequestException>(), "plain HTTP on the TLS port gets no answer");
            }

            seen?.Dispose();
            await app.StopAsync();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
