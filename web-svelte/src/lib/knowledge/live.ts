/** The events that change what the knowledge pages show, and what each one touches. */
export const KNOWLEDGE_DEPENDENCIES = {
  RepoContextUpdated: 'knowledge:overview',
  KnowledgeArtifactsUpdated: 'knowledge:artifacts',
  ContextFileUpdated: 'knowledge:files',
} as const satisfies Record<string, `knowledge:${string}`>;
