/** Comments from a .proto's source info, for generated docs and descriptions. */
import type { DescFile, DescMessage, DescMethod, DescService } from '@bufbuild/protobuf';

function pathOf(file: DescFile, desc: DescMessage | DescService | DescMethod): number[] {
  switch (desc.kind) {
    case 'message':
      return desc.parent === undefined
        ? [4, file.messages.indexOf(desc)]
        : [...pathOf(file, desc.parent), 3, desc.parent.nestedMessages.indexOf(desc)];
    case 'service':
      return [6, file.services.indexOf(desc)];
    case 'rpc':
      return [...pathOf(file, desc.parent), 2, desc.parent.methods.indexOf(desc)];
  }
}

/** The leading comment of a message, service or method, trimmed; undefined when it has none. */
export function commentOf(file: DescFile, desc: DescMessage | DescService | DescMethod): string | undefined {
  const path = pathOf(file, desc).join(',');
  const location = file.proto.sourceCodeInfo?.location.find((l) => l.path.join(',') === path);
  const text = location?.leadingComments
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .trim();
  return text ? text : undefined;
}
