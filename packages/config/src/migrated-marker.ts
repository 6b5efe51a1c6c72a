/**
 * The first line of a config.yaml that `janitor config migrate` wrote. Such a file is the converted config/ folder
 * beside it, so that folder is not reported as a second config left unread.
 */
export const MIGRATED_MARKER = "# Converted by 'janitor config migrate' from the original Janitor's config/ folder.";
