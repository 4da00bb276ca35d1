import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The custom search attributes docflow registers on its namespace. Values are identifiers and stages only:
 * search attributes are not encrypted by payload codecs, so no document content or party names go here.
 */
export const BatchIdAttribute = defineSearchAttributeKey('DocflowBatchId', SearchAttributeType.KEYWORD);
export const StageAttribute = defineSearchAttributeKey('DocflowStage', SearchAttributeType.KEYWORD);
export const ModelAttribute = defineSearchAttributeKey('DocflowModel', SearchAttributeType.KEYWORD);
export const TaskAttribute = defineSearchAttributeKey('DocflowTask', SearchAttributeType.KEYWORD);
export const PriorityAttribute = defineSearchAttributeKey('DocflowPriority', SearchAttributeType.KEYWORD);

export const searchAttributeKeys = [BatchIdAttribute, StageAttribute, ModelAttribute, TaskAttribute, PriorityAttribute];

/** `name=Type` pairs as `temporal server start-dev --search-attribute` and `operator search-attribute create` take them. */
export function searchAttributeCliArgs(): string[] {
  return searchAttributeKeys.map((k) => `${k.name}=${cliTypeName(k.type)}`);
}

function cliTypeName(type: SearchAttributeType): string {
  switch (type) {
    case SearchAttributeType.KEYWORD:
      return 'Keyword';
    case SearchAttributeType.TEXT:
      return 'Text';
    case SearchAttributeType.INT:
      return 'Int';
    case SearchAttributeType.DOUBLE:
      return 'Double';
    case SearchAttributeType.BOOL:
      return 'Bool';
    case SearchAttributeType.DATETIME:
      return 'Datetime';
    case SearchAttributeType.KEYWORD_LIST:
      return 'KeywordList';
  }
}
