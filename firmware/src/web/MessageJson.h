#pragma once
#include <Poco/JSON/Object.h>

#include "mime/MessageSummary.h"
#include "store/MessageRecord.h"

namespace mg::web {

// The list item of CONTRACT §4.
Poco::JSON::Object::Ptr messageItem(const store::MessageRecord& m);
// The detail view: the item plus headers, envelope, text, attachments, versions, failure_reason.
Poco::JSON::Object::Ptr messageDetail(const store::MessageRecord& m, const mime::MessageSummary& summary,
                                      const std::vector<store::MessageVersion>& versions);

}  // namespace mg::web
