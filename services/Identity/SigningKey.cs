using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Platform.Identity;

/// <summary>
/// The RSA key tokens are signed with, kept as PEM in the token service's data folder so that tokens issued before a
/// restart still validate after it (the services cache the key set from the discovery document).
/// </summary>
internal static class SigningKey
{
    public const string FileName = "signing-key.pem";

    public static RsaSecurityKey LoadOrCreate(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            rsa.KeySize = 2048;
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, rsa.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temporary, path, overwrite: false);
        }

        return new RsaSecurityKey(rsa) { KeyId = Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16] };
    }
}
