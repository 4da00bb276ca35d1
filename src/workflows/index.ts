// The workflows docflow registers on its task queue. Workflow code is deterministic: see DESIGN.md §1.
export {};
