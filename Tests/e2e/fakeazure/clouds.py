"""Azure clouds as the fakes see them: Entra ID authority host, Key Vault DNS suffix and resource."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Cloud:
    name: str
    authority_host: str   # host name only, e.g. login.microsoftonline.com
    vault_suffix: str     # e.g. vault.azure.net
    extra_authority_hosts: tuple = ()

    @property
    def resource(self) -> str:
        return "https://" + self.vault_suffix

    @property
    def authority_hosts(self) -> tuple:
        return (self.authority_host,) + self.extra_authority_hosts


BUILTIN = {
    "AzurePublicCloud": Cloud("AzurePublicCloud", "login.microsoftonline.com", "vault.azure.net",
                              ("login.windows.net", "login.microsoft.com", "sts.windows.net")),
    "AzureUSGovernmentCloud": Cloud("AzureUSGovernmentCloud", "login.microsoftonline.us", "vault.usgovcloudapi.net",
                                    ("login.usgovcloudapi.net",)),
    "AzureChinaCloud": Cloud("AzureChinaCloud", "login.chinacloudapi.cn", "vault.azure.cn",
                             ("login.partner.microsoftonline.cn",)),
    "AzureGermanCloud": Cloud("AzureGermanCloud", "login.microsoftonline.de", "vault.microsoftazure.de"),
    # Azure Stack Hub: no fixed names; this test domain is what the default seed and the docs use.
    "AzureStackCloud": Cloud("AzureStackCloud", "login.stack.test", "vault.stack.test"),
}

ALIASES = {"azurecloud": "AzurePublicCloud", "azureusgovernment": "AzureUSGovernmentCloud"}

# Authority hosts Microsoft's instance discovery knows (MSAL skips discovery or validates against these).
KNOWN_AUTHORITY_HOSTS = {"login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net",
                         "login.microsoftonline.us", "login.usgovcloudapi.net", "login.chinacloudapi.cn",
                         "login.partner.microsoftonline.cn", "login.microsoftonline.de"}


def build(overrides: dict | None) -> dict:
    """Cloud table: the built-in clouds, overridden or extended by the seed's `clouds` section."""
    table = dict(BUILTIN)
    for name, spec in (overrides or {}).items():
        table[name] = Cloud(name, spec["authority_host"], spec["vault_suffix"],
                            tuple(spec.get("extra_authority_hosts", ())))
    return table


def lookup(table: dict, name: str | None) -> Cloud:
    if not name:
        return table["AzurePublicCloud"]
    for key, cloud in table.items():
        if key.lower() == name.lower():
            return cloud
    if name.lower() in ALIASES:
        return table[ALIASES[name.lower()]]
    raise ValueError(f"unknown cloud {name!r}")
