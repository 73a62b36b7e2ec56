namespace ServiceTokenOperator.Sandbox.Vendors.PlanetScale;

/// <summary>The access names vendor-contracts.md lists: what a service token may be granted.</summary>
internal static class PlanetScaleAccessNames
{
    public const string ReadServiceTokens = "read_service_tokens";
    public const string WriteServiceTokens = "write_service_tokens";
    public const string DeleteServiceTokens = "delete_service_tokens";

    public static readonly IReadOnlySet<string> Database = new HashSet<string>(StringComparer.Ordinal)
    {
        "read_database", "write_database", "delete_database", "create_branch", "read_branch", "delete_branch",
        "delete_production_branch", "connect_branch", "connect_production_branch", "delete_branch_password",
        "delete_production_branch_password", "create_deploy_request", "read_deploy_request",
        "approve_deploy_request", "create_comment", "read_comment", "read_backups", "write_backups",
        "delete_backups", "delete_production_branch_backups", "restore_backup", "restore_production_branch_backup",
        "write_branch_vschema", "write_production_branch_vschema",
    };

    public static readonly IReadOnlySet<string> Organization = new HashSet<string>(StringComparer.Ordinal)
    {
        "read_organization", "read_invoices", "read_audit_logs", "read_databases", "create_databases",
        "delete_databases", "read_oauth_applications", "read_oauth_tokens", "write_oauth_tokens",
        "delete_oauth_tokens", ReadServiceTokens, WriteServiceTokens, DeleteServiceTokens, "write_teams",
        "read_metrics_endpoints",
    };
}
