export const SUPPORTED: number[];
export function nodeVerdict(version?: string): { refuse: boolean; message: string } | null;
export function checkNode(): void;
